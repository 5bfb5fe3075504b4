import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';

describe('overriding() (the wrapper the fault suites damage a store with)', () => {
  it("passes a read's tenant on to the inner store", async () => {
    const inner = memoryStore();
    expect(await inner.apply({ owner: { tenantId: 'acme' }, writes: [{ type: 'epochs', epochs: { browser: 1_000 } }] })).toBe(true);
    const wrapped = overriding(inner, {});
    const state = await wrapped.readUser('ada', 'acme');
    expect(state.tenantEpochs).toEqual({ acme: { browser: 1_000 } });
    expect(state).toEqual(await inner.readUser('ada', 'acme'));
    expect(await wrapped.readTenant('acme')).toEqual({ version: 1, epochs: { browser: 1_000 }, highWater: {} });
  });

  it('answers through the override, and through the inner store for the rest', async () => {
    const inner = memoryStore();
    await inner.apply({ owner: { userId: 'ada' }, writes: [{ type: 'epochs', epochs: { browser: 3 } }] });
    const wrapped = overriding(inner, { readUser: async () => ({ version: 9, sessions: [], epochs: { browser: 7 }, highWater: {}, tenantEpochs: {}, denied: {}, devices: {} }) });
    expect((await wrapped.readUser('ada')).epochs).toEqual({ browser: 7 });
    expect(await wrapped.readKey('k')).toEqual({ version: 0 });
    expect(await wrapped.apply({ owner: { key: 'k' }, version: 0, writes: [{ type: 'putKey', key: 'k', value: 'v', expiresAt: 5 }] })).toBe(true);
    expect(await inner.readKey('k')).toEqual({ version: 1, value: 'v', expiresAt: 5 });
    expect((await inner.readUser('ada')).epochs).toEqual({ browser: 3 });
  });
});
