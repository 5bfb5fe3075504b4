import { describe, expect, it } from 'vitest';
import { createLayout, tagOf } from '../../adapters/redis/keys.js';
import { planBatch } from '../../adapters/redis/writes.js';
import { userBucket } from '../../src/store.js';

// On a cluster a sign-in's batch is the user's script; what lives on the tenant's slot is a script of its own.
describe('a sign-in batch into a tenant, planned for Redis Cluster', () => {
  it("writes the tenant's high-water mark before the user's script, so no stored session is ever above it", () => {
    const layout = createLayout('sr:');
    const id = `${userBucket('ada')}${'a'.repeat(19)}`;
    const at = 1_700_000_000_000;
    const session = { id, userId: 'ada', tenantId: 'acme', kind: 'browser', secretHash: new Uint8Array(32), createdAt: at, expiresAt: at + 1, lastUsedAt: at, authenticatedAt: at };
    const plan = planBatch(
      {
        owner: { userId: 'ada' },
        version: 0,
        writes: [
          { type: 'insert', session },
          { type: 'highWater', kind: 'browser', at },
          { type: 'highWater', tenantId: 'acme', kind: 'browser', at },
        ],
      },
      layout,
      true,
    );
    const tenantMarks = `${layout.tenant('acme')}m`;
    expect([...plan.before.keys()]).toEqual([tagOf(tenantMarks)]);
    expect(plan.before.get(tagOf(tenantMarks))!.args).toEqual(['h', tenantMarks, 'browser', String(at)]);
    expect([...plan.after.keys()]).toEqual([]);
    expect(tagOf(plan.owner)).toBe(tagOf(layout.user('ada')));
  });
});
