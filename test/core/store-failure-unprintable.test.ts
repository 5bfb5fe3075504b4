import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

// A store whose get() fails with a value String() cannot print: a null-prototype object (what a
// dictionary-style driver error or a deserialised error can be), or an object whose toString throws.
const unprintable: Array<[string, () => unknown]> = [
  ['a null-prototype object', () => Object.create(null)],
  ['an object whose toString throws', () => ({ toString() { throw new Error('no text'); } })],
];

function failingGet(how: 'reject' | 'throw', reason: () => unknown): { store: SessionStore; fail: { now: boolean } } {
  const fail = { now: false };
  const store = intercepted(memoryStore(), (method, call) => {
    if (method !== 'get' || !fail.now) return call();
    if (how === 'throw') throw reason();
    return Promise.reject(reason());
  });
  return { store, fail };
}

const NEVER = Symbol('never settled');
// A bound, not a synchronisation: the manager's own deadline is 100 ms; 20x that is "never".
const settledWithin = <T>(promise: Promise<T>, ms: number): Promise<T | typeof NEVER> =>
  Promise.race([promise, new Promise<typeof NEVER>((resolve) => setTimeout(() => resolve(NEVER), ms).unref())]);

let unhandled: unknown[];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

describe('a store failing with a value that cannot be printed', () => {
  for (const [name, reason] of unprintable) {
    for (const storeTimeout of [100, 0]) {
      it(`get() rejecting with ${name} (storeTimeout ${storeTimeout}): validate rejects STORE_ERROR, nothing unhandled`, async () => {
        const { store, fail } = failingGet('reject', reason);
        const sessions = createSessionManager({ store, storeTimeout });
        const { token } = await sessions.create({ userId: 'alice' });
        fail.now = true;
        const answer = await settledWithin(sessions.validate(token).then((result) => ({ result }), (error: unknown) => ({ error })), 2_000);
        // Node reports an unhandled rejection after the tick's microtasks: one macrotask later, all are in.
        await new Promise((resolve) => setImmediate(resolve));
        expect(answer).not.toBe(NEVER);
        expect(answer !== NEVER && 'error' in answer && isSessionError(answer.error) && answer.error.code).toBe('STORE_ERROR');
        expect(unhandled).toEqual([]);
      });
    }

    it(`get() throwing ${name} synchronously: validate rejects with a SessionError, not a TypeError`, async () => {
      const { store, fail } = failingGet('throw', reason);
      const sessions = createSessionManager({ store, storeTimeout: 100 });
      const { token } = await sessions.create({ userId: 'alice' });
      fail.now = true;
      const error = await sessions.validate(token).then(() => undefined, (failure: unknown) => failure);
      expect(isSessionError(error) && error.code).toBe('STORE_ERROR');
    });
  }
});
