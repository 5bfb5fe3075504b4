import { isSessionError } from '../../errors.js';
import { createSessionManager } from '../../manager/index.js';
import type { SessionLookup, SessionStore } from '../../store.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

type Answer = Record<string, unknown>;

/** A way to damage a `get()` answer, as corrupted data or a buggy adapter would. */
interface Corruption {
  readonly name: string;
  readonly damage: (found: SessionLookup) => unknown;
  /** `false` when only `get()` can tell (a list row has no id to compare with). */
  readonly inList?: false;
}

const withSession = (found: SessionLookup, fields: Answer): unknown => ({ ...found, session: { ...found.session, ...fields } });

/** Damaged answers to `get()`; each must be refused as a store error, never taken for a session. */
export const CORRUPTIONS: readonly Corruption[] = [
  { name: 'a string instead of the lookup', damage: () => 'garbage' },
  { name: 'a number instead of the lookup', damage: () => 42 },
  { name: 'epochs as a string', damage: (found) => ({ ...found, epochs: 'garbage' }) },
  { name: 'epochs null', damage: (found) => ({ ...found, epochs: null }) },
  { name: 'epochs missing', damage: (found) => ({ session: found.session }) },
  { name: 'the epoch NaN', damage: (found) => ({ ...found, epochs: { ...found.epochs, [found.session.kind]: Number.NaN } }) },
  { name: 'the epoch as text', damage: (found) => ({ ...found, epochs: { ...found.epochs, [found.session.kind]: String(Date.now() + 60_000) } }) },
  { name: 'createdAt as an ISO string', damage: (found) => withSession(found, { createdAt: new Date(found.session.createdAt).toISOString() }) },
  { name: 'expiresAt missing', damage: (found) => withSession(found, { expiresAt: undefined }) },
  { name: 'expiresAt NaN', damage: (found) => withSession(found, { expiresAt: Number.NaN }) },
  { name: 'expiresAt Infinity', damage: (found) => withSession(found, { expiresAt: Number.POSITIVE_INFINITY }) },
  { name: 'lastUsedAt null', damage: (found) => withSession(found, { lastUsedAt: null }) },
  { name: 'authenticatedAt missing', damage: (found) => withSession(found, { authenticatedAt: undefined }) },
  { name: 'authenticatedAt as text', damage: (found) => withSession(found, { authenticatedAt: String(found.session.authenticatedAt) }) },
  { name: 'persistent as text', damage: (found) => withSession(found, { persistent: 'false' }) },
  { name: 'revokedAt as text', damage: (found) => withSession(found, { revokedAt: 'yes' }) },
  { name: 'the session null', damage: (found) => ({ ...found, session: null }) },
  { name: 'the session as a string', damage: (found) => ({ ...found, session: 'garbage' }) },
  { name: 'userId missing', damage: (found) => withSession(found, { userId: undefined }) },
  { name: 'kind as a number', damage: (found) => withSession(found, { kind: 7 }) },
  { name: 'another session id', damage: (found) => withSession(found, { id: 'A'.repeat(22) }), inList: false },
  { name: 'secretHash as text', damage: (found) => withSession(found, { secretHash: 'not-bytes' }) },
];

/** Wraps a store so that `get()` (and the other reads) answer what `damage` makes of the truth. */
export function corruptingStore(inner: SessionStore, damage: (found: SessionLookup) => unknown): SessionStore {
  return overriding(inner, {
    get: async (sessionId) => {
      const found = await inner.get(sessionId);
      return (found === null ? null : damage(found)) as SessionLookup | null;
    },
    listByUser: async (userId) => {
      const listed = await inner.listByUser(userId);
      const first = listed.sessions[0];
      if (first === undefined) return listed;
      const damaged = damage({ session: first, epochs: listed.epochs }) as Answer | null;
      const session = typeof damaged === 'object' && damaged !== null ? damaged['session'] : damaged;
      const epochs = typeof damaged === 'object' && damaged !== null ? damaged['epochs'] : damaged;
      return { sessions: [session, ...listed.sessions.slice(1)], epochs } as never;
    },
  });
}

async function outcome(action: () => Promise<unknown>): Promise<string> {
  try {
    const result = (await action()) as { ok?: unknown } | unknown[];
    if (Array.isArray(result)) return `listed ${result.length}`;
    return result !== null && typeof result === 'object' && result.ok === true ? 'let in' : 'refused';
  } catch (error) {
    return isSessionError(error) ? error.code : `threw ${error instanceof Error ? error.name : typeof error}`;
  }
}

/**
 * The manager over a store whose answers were damaged: a revoked, an expired and a live session
 * each read back malformed. Every one is a `STORE_ERROR` (the HTTP layer's 503), never a
 * session and never a bare `TypeError`.
 */
export function describeCorruptedAnswers({ runner, store }: StoreSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('malformed store answers', () => {
    it('are store errors, never a session, for revoked, expired and live sessions alike', async () => {
      let now = Date.now();
      const honest = createSessionManager({ store: store(), clock: () => now, maxAge: 60 * 60_000 });
      const userId = freshUser('corrupted');
      const revoked = await honest.create({ userId });
      await honest.revokeAll(userId, { kinds: ['browser'] });
      const liveUser = freshUser('corrupted-live');
      const live = await honest.create({ userId: liveUser });
      const outcomes: string[] = [];
      // First while one session is live, then with the clock past every expiry.
      for (const step of [1, 2 * 60 * 60_000]) {
        now += step;
        for (const corruption of CORRUPTIONS) {
          const damaged = createSessionManager({ store: corruptingStore(store(), corruption.damage), clock: () => now, maxAge: 60 * 60_000 });
          for (const token of [revoked.token, live.token]) outcomes.push(`${corruption.name} at +${step}: ${await outcome(() => damaged.validate(token))}`);
          if (corruption.inList !== false) outcomes.push(`${corruption.name} (list) at +${step}: ${await outcome(() => damaged.list(liveUser))}`);
        }
      }
      expect(outcomes.filter((line) => !line.endsWith(': STORE_ERROR'))).toEqual([]);
      await honest.close();
    });

    it('a store that ignores the session cap, or answers reauthenticate with no yes or no, is a store error', async () => {
      const inner = store();
      const userId = freshUser('corrupted-cap');
      const careless = overriding(inner, {
        create: async (record, options) => {
          const { session, replacedIds } = await inner.create(record, { ...options, limit: undefined });
          return { session, replacedIds };
        },
        reauthenticate: async () => 'yes' as never,
      });
      const capped = createSessionManager({ store: careless, maxSessions: 1 });
      const uncapped = createSessionManager({ store: careless });
      const { session } = await uncapped.create({ userId });
      expect(await outcome(() => capped.create({ userId }))).toBe('STORE_ERROR');
      expect(await outcome(() => uncapped.reauthenticated(session.id))).toBe('STORE_ERROR');
    });

    it('a malformed revocation state or epochs answer is a store error too', async () => {
      const inner = store();
      const userId = freshUser('corrupted-state');
      const answers: readonly unknown[] = ['garbage', null, { epochs: null, denied: {} }, { epochs: { browser: Number.NaN }, denied: {} }, { epochs: {}, denied: 'x' }, { epochs: {}, denied: { a: 'soon' } }];
      const results: string[] = [];
      for (const answer of answers) {
        const damaged = overriding(inner, { getRevocationState: async () => answer as never, revokeAll: async () => answer as never });
        const sessions = createSessionManager({ store: damaged, accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' }, epochCacheTtl: 0 });
        const { session } = await createSessionManager({ store: inner }).create({ userId });
        const jwt = await sessions.issueAccessToken(session);
        results.push(await outcome(() => sessions.verifyAccessToken(jwt)));
        results.push(await outcome(() => sessions.revokeAll(userId)));
      }
      expect(results.filter((result) => result !== 'STORE_ERROR')).toEqual([]);
    });
  });
}

/**
 * A store that answers through `inner`, except for the methods in `overrides`. Every method is
 * called on `inner` itself, so class-based stores keep their `this`.
 */
export function overriding(inner: SessionStore, overrides: Partial<SessionStore>): SessionStore {
  return {
    create: (record, options) => inner.create(record, options),
    get: (sessionId) => inner.get(sessionId),
    touch: (sessionId, at) => inner.touch(sessionId, at),
    reauthenticate: (sessionId, at) => inner.reauthenticate(sessionId, at),
    revoke: (sessionId, options) => inner.revoke(sessionId, options),
    revokeAll: (userId, options) => inner.revokeAll(userId, options),
    revokeOthers: (userId, options) => inner.revokeOthers(userId, options),
    listByUser: (userId) => inner.listByUser(userId),
    getRevocationState: (userId, tenantId) => inner.getRevocationState(userId, tenantId),
    eraseUser: (userId) => inner.eraseUser(userId),
    prune: (options) => inner.prune(options),
    // A store that places a user's sessions by their id (Redis Cluster) needs its own ids.
    ...(inner.sessionIdPrefix === undefined ? {} : { sessionIdPrefix: (userId: string) => inner.sessionIdPrefix!(userId) }),
    ...overrides,
  };
}
