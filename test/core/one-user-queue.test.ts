import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (isSessionError(error) ? error.code : String(error)),
  );

describe("one server's operations on one user", () => {
  // `count` sign-ins of one user at once on one server, each batch answered `latency` ms after it is
  // sent; `lost` counts the batches whose version had moved.
  async function signInsAtOnce(count: number, latency: number) {
    const inner = memoryStore();
    let lost = 0;
    const store = overriding(inner, {
      apply: async (batch) => {
        if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
        const applied = await inner.apply(batch);
        if (!applied) lost += 1;
        return applied;
      },
    });
    const sessions = createSessionManager({ store });
    const codes = await Promise.all(Array.from({ length: count }, () => codeOf(sessions.create({ userId: 'ada' }))));
    return { failed: codes.filter((code) => code !== 'ok'), lost, listed: (await sessions.list('ada')).length };
  }

  it('take turns: 200 sign-ins of one user at once all succeed, each batch applied at the version it read', async () => {
    expect(await signInsAtOnce(200, 0)).toEqual({ failed: [], lost: 0, listed: 200 });
  });

  it('take turns on a slow database too: 20 sign-ins whose batches take 40 ms each, none lost', async () => {
    expect(await signInsAtOnce(20, 40)).toEqual({ failed: [], lost: 0, listed: 20 });
  });

  it('wait no longer than a moment behind a call that hangs: the next one goes ahead, and its batch holds', async () => {
    const inner = memoryStore();
    let hang = true;
    const store = overriding(inner, {
      // The first batch never answers, as a store call lost to a partition.
      apply: (batch) => (hang ? ((hang = false), new Promise<boolean>(() => undefined)) : inner.apply(batch)),
    });
    const sessions = createSessionManager({ store, storeTimeout: 2_000 });
    const stuck = codeOf(sessions.create({ userId: 'ada' }));
    const next = sessions.create({ userId: 'ada' });
    const { session } = await next;
    expect((await sessions.list('ada')).map((view) => view.id)).toEqual([session.id]);
    expect(await stuck).toBe('STORE_UNAVAILABLE');
  });

  it("queue apart from other users': one user's hung call holds no one else back", async () => {
    const inner = memoryStore();
    const store = overriding(inner, {
      apply: (batch) => ('userId' in batch.owner && batch.owner.userId === 'ada' ? new Promise<boolean>(() => undefined) : inner.apply(batch)),
    });
    const sessions = createSessionManager({ store, storeTimeout: 2_000 });
    const stuck = codeOf(sessions.create({ userId: 'ada' }));
    const codes = await Promise.all(['grace', 'linus', 'ken'].map((userId) => codeOf(sessions.create({ userId }))));
    expect(codes).toEqual(['ok', 'ok', 'ok']);
    expect(await stuck).toBe('STORE_UNAVAILABLE');
  });
});
