import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';

// A tenant admin removing a teammate ends only that organization's sessions of the user; the
// user's own "sign out everywhere" and every policy path still end them all.

async function member() {
  const sessions = createSessionManager({ store: memoryStore() });
  const inAcme = await sessions.create({ userId: 'alice', tenantId: 'acme' });
  const inGlobex = await sessions.create({ userId: 'alice', tenantId: 'globex', kind: 'remember' });
  const alone = await sessions.create({ userId: 'alice', kind: 'remember' });
  return { sessions, inAcme, inGlobex, alone };
}

describe('revokeAll(userId, { tenantId })', () => {
  it("ends only that tenant's sessions of the user, and names them", async () => {
    const { sessions, inAcme, inGlobex, alone } = await member();
    const result = await sessions.revokeAll('alice', { kinds: 'all', by: 'admin', tenantId: 'acme' });
    expect(result).toEqual({ epochs: {}, revokedIds: [inAcme.session.id] });
    expect(await sessions.validate(inAcme.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect((await sessions.validate(alone.token)).ok).toBe(true);
  });

  it('reports one bulk event with the ended sessions and the tenant', async () => {
    const { sessions, inAcme } = await member();
    const events: unknown[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(event));
    await sessions.revokeAll('alice', { by: 'admin', tenantId: 'acme' });
    expect(events).toEqual([expect.objectContaining({ userId: 'alice', tenantId: 'acme', reason: 'admin', by: 'admin', sessionIds: [inAcme.session.id] })]);
  });

  it('without a tenant, and on a password reset labelled with one, ends every organization', async () => {
    for (const end of [
      (s: ReturnType<typeof createSessionManager>) => s.revokeAll('alice', { kinds: 'all' }),
      (s: ReturnType<typeof createSessionManager>) => s.passwordReset('alice', { tenantId: 'acme' }),
    ]) {
      const { sessions, inAcme, inGlobex, alone } = await member();
      await end(sessions);
      for (const { token } of [inAcme, inGlobex, alone]) expect((await sessions.validate(token)).ok).toBe(false);
    }
  });
});
