import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { overriding } from '../../src/testing/store/corrupted.js';

describe('overriding() (the wrapper the fault suites damage a store with)', () => {
  it("passes a token's tenant on to the inner store's revocation state", async () => {
    const inner = memoryStore();
    await inner.revokeTenant!('acme', { kinds: ['browser'], at: 1_000 });
    const wrapped = overriding(inner, {});
    const state = await wrapped.getRevocationState('ada', 'acme');
    expect(state.tenantEpochs).toEqual({ browser: 1_000 });
    expect(state).toEqual(await inner.getRevocationState('ada', 'acme'));
  });

  it('answers through the override, and through the inner store for the rest', async () => {
    const inner = memoryStore();
    const wrapped = overriding(inner, { listByUser: async () => ({ sessions: [], epochs: { browser: 7 } }) });
    expect((await wrapped.listByUser('ada')).epochs).toEqual({ browser: 7 });
    expect((await wrapped.getRevocationState('ada')).epochs).toEqual((await inner.getRevocationState('ada')).epochs);
  });
});
