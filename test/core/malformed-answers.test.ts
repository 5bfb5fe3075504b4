import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import type { SessionLookup } from '../../src/store.js';
import { overriding } from '../support/overriding.js';
import { activityId } from '../../src/activity-id.js';

// Each check of src/store-answers.ts is unit-tested in store-answers.test.ts; here, that the
// manager's paths run them: a malformed answer is a STORE_ERROR, never a session nor a TypeError.

async function outcome(action: Promise<unknown>): Promise<string> {
  try {
    await action;
    return 'answered';
  } catch (error) {
    return isSessionError(error) ? error.code : `threw ${String(error)}`;
  }
}

const damaged: ReadonlyArray<readonly [string, (found: SessionLookup) => unknown]> = [
  ['a string instead of the lookup', () => 'garbage'],
  ['epochs missing', (found) => ({ session: found.session })],
  ['expiresAt NaN', (found) => ({ ...found, session: { ...found.session, expiresAt: Number.NaN } })],
  ['another session id', (found) => ({ ...found, session: { ...found.session, id: 'A'.repeat(22) } })],
];

describe('a malformed store answer on the manager paths', () => {
  it.each(damaged)('validate, get() answering %s: a store error for a live, a revoked and an expired session alike', async (_name, damage) => {
    let now = Date.now();
    const inner = memoryStore();
    const honest = createSessionManager({ store: inner, clock: () => now, maxAge: 60_000 });
    const revoked = await honest.create({ userId: 'revoked' });
    await honest.revokeAll('revoked');
    const live = await honest.create({ userId: 'live' });
    const store = overriding(inner, { get: async (sessionId) => (await inner.get(sessionId).then((found) => (found === null ? null : damage(found)))) as SessionLookup | null });
    const sessions = createSessionManager({ store, clock: () => now, maxAge: 60_000 });
    const outcomes: string[] = [];
    // While one session is live, then with the clock past every expiry.
    for (const step of [1, 120_000]) {
      now += step;
      for (const { token } of [live, revoked]) outcomes.push(await outcome(sessions.validate(token)));
    }
    expect(outcomes).toEqual(Array(4).fill('STORE_ERROR'));
  });

  it("list, sign-in and revokeAll, readUser() answering a malformed row or state: a store error", async () => {
    const inner = memoryStore();
    const { session } = await createSessionManager({ store: inner }).create({ userId: 'ada' });
    const state = await inner.readUser('ada');
    for (const answer of [{ ...state, sessions: [{ ...session, expiresAt: String(session.expiresAt) }] }, { ...state, epochs: null }, { ...state, version: -1 }]) {
      const sessions = createSessionManager({ store: overriding(inner, { readUser: async () => answer as never }) });
      expect([await outcome(sessions.list('ada')), await outcome(sessions.create({ userId: 'ada' })), await outcome(sessions.revokeAll('ada'))]).toEqual([
        'STORE_ERROR',
        'STORE_ERROR',
        'STORE_ERROR',
      ]);
    }
  });

  it('apply() or touch() answering neither true nor false: a store error', async () => {
    const inner = memoryStore();
    const { session } = await createSessionManager({ store: inner }).create({ userId: 'ada' });
    const sessions = createSessionManager({ store: overriding(inner, { apply: async () => 'yes' as never, touch: async () => 1 as never }) });
    expect([await outcome(sessions.create({ userId: 'ada' })), await outcome(sessions.revokeAll('ada')), await outcome(sessions.reauthenticated(session.id))]).toEqual([
      'STORE_ERROR',
      'STORE_ERROR',
      'STORE_ERROR',
    ]);
  });

  it('listActivity() answering a page not older than `before` (a store ignoring it): a store error, not the same entries again', async () => {
    const inner = memoryStore();
    const at = Date.now();
    const entries = Array.from({ length: 1_000 }, (_, index) => ({ id: activityId(at - 1_000 + index), userId: 'ada', type: 'session.created', at, reason: 'sign_in' }));
    await inner.apply({ owner: { userId: 'ada' }, writes: entries.map((entry) => ({ type: 'activity' as const, entry })) });
    // Bounded: the first few calls answer the newest page whatever `before` says, then nothing.
    let calls = 0;
    const store = overriding(inner, { listActivity: async (userId, options) => (++calls > 5 ? [] : inner.listActivity!(userId, { ...options, before: undefined })) });
    const sessions = createSessionManager({ store });
    const first = await sessions.activity('ada', { limit: 2 });
    expect([await outcome(sessions.activity('ada', { limit: 2, before: first.at(-1)!.id })), await outcome(sessions.exportUser('ada'))]).toEqual(['STORE_ERROR', 'STORE_ERROR']);
  });
});

describe('a store method that answers no promise', () => {
  it('get() answering a lookup at once, nothing, or a thenable whose then() throws: STORE_ERROR on validate, never a TypeError', async () => {
    const inner = memoryStore();
    const honest = createSessionManager({ store: inner });
    const { token } = await honest.create({ userId: 'sync' });
    const found = await inner.get(token.slice(0, 22));
    const broken = { then: () => { throw new TypeError('then is not usable'); } };
    for (const answer of [found, undefined, broken]) {
      const store = overriding(inner, { get: (() => answer) as never });
      for (const storeTimeout of [5_000, 0]) expect(await outcome(createSessionManager({ store, storeTimeout }).validate(token))).toBe('STORE_ERROR');
    }
  });
});
