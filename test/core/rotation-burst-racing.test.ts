import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError } from '../../src/index.js';
import type { Batch, SessionStore } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

const ROTATION = { rotateAfter: 10 * 60_000, rotationGrace: 60_000 };
const T0 = 1_800_000_000_000;

// A rotation's batch: the row written with its successor's hash.
const rotating = (method: string, args: readonly unknown[]): boolean => method === 'apply' && (args[0] as Batch).writes.some((step) => step.type === 'insert');

// A remember-me session, due for rotation, on `store`.
async function dueSession(store: SessionStore, storeTimeout?: number) {
  let now = T0;
  const sessions = createSessionManager({ store, storeTimeout, clock: () => now, kinds: { remember: ROTATION } });
  const { token } = await sessions.create({ userId: 'ada', kind: 'remember', data: { plan: 'pro' } });
  now += ROTATION.rotateAfter;
  return { sessions, token };
}

describe('requests at once with one due cookie, racing for its rotation', () => {
  it("are not failed by one request's lost answers: with two lost in a row, the others still get the new cookie", async () => {
    let losing = 0;
    const store = intercepted(memoryStore(), (method, call, args) => (rotating(method, args) && losing > 0 && losing-- > 0 ? Promise.reject(new SessionError('STORE_UNAVAILABLE', 'The answer was lost.')) : call()));
    const { sessions, token } = await dueSession(store);
    losing = 2;
    const results = await Promise.all([1, 2, 3].map(() => sessions.validate(token).then((result) => (result.ok ? result.rotatedToken : result.reason), (error: unknown) => (isSessionError(error) ? error.code : String(error)))));
    // Each request has its own tries: at most the one whose both tries were lost is a 503.
    const rotated = results.filter((result) => result !== 'STORE_UNAVAILABLE');
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rotated).size).toBe(1);
    expect(rotated[0]).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  });

  it('are not held by a call that never answers when deadlines are off (storeTimeout: 0): the next request goes ahead', async () => {
    let hang = false;
    const store = intercepted(memoryStore(), (method, call, args) => (rotating(method, args) && hang ? ((hang = false), new Promise(() => undefined)) : call()));
    const { sessions, token } = await dueSession(store, 0);
    hang = true;
    // Its batch lost to a partition, with no deadline to end the wait.
    void sessions.validate(token);
    const next = await sessions.validate(token);
    expect(next).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
  });

  it("each get a session of their own: one request's change to its data is not another's", async () => {
    const { sessions, token } = await dueSession(memoryStore());
    const [first, second] = await Promise.all([sessions.validate(token), sessions.validate(token)]);
    if (!first.ok || !second.ok || first.rotatedToken === undefined) throw new Error('expected a rotation');
    expect(second.rotatedToken).toBe(first.rotatedToken);
    (first.session.data as Record<string, unknown>).plan = 'changed by the first request';
    expect(second.session.data).toEqual({ plan: 'pro' });
  });
});
