import { isSessionError } from '../../errors.js';
import { createSessionManager } from '../../manager/index.js';
import type { SessionLookup, SessionStore } from '../../store.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser, SECRET } from './fixtures.js';

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
  { name: 'rotatedAt without its rotationSalt', damage: (found) => withSession(found, { rotatedAt: found.session.createdAt, rotationSalt: undefined }) },
  { name: 'the session null', damage: (found) => ({ ...found, session: null }) },
  { name: 'the session as a string', damage: (found) => ({ ...found, session: 'garbage' }) },
  { name: 'userId missing', damage: (found) => withSession(found, { userId: undefined }) },
  { name: 'kind as a number', damage: (found) => withSession(found, { kind: 7 }) },
  { name: 'another session id', damage: (found) => withSession(found, { id: 'A'.repeat(22) }), inList: false },
  { name: 'secretHash as text', damage: (found) => withSession(found, { secretHash: 'not-bytes' }) },
];

/** Wraps a store so that `get()` (and `readUser()`) answer what `damage` makes of the truth. */
export function corruptingStore(inner: SessionStore, damage: (found: SessionLookup) => unknown): SessionStore {
  return overriding(inner, {
    get: async (sessionId) => {
      const found = await inner.get(sessionId);
      return (found === null ? null : damage(found)) as SessionLookup | null;
    },
    readUser: async (userId, tenantId, sessionId) => {
      const state = await inner.readUser(userId, tenantId, sessionId);
      const first = state.sessions[0];
      if (first === undefined) return state;
      const damaged = damage({ session: first, epochs: state.epochs }) as Answer | null;
      const session = typeof damaged === 'object' && damaged !== null ? damaged['session'] : damaged;
      const epochs = typeof damaged === 'object' && damaged !== null ? damaged['epochs'] : damaged;
      return { ...state, sessions: [session, ...state.sessions.slice(1)], epochs } as never;
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

/** Damaged answers are a `STORE_ERROR` (the HTTP layer's 503), never a session, never a bare `TypeError`. */
export function describeCorruptedAnswers({ describe, it, expect, raw }: StoreSuiteContext): void {
  describe('malformed store answers', () => {
    it('are store errors, never a session, for revoked, expired and live sessions alike', async () => {
      let now = Date.now();
      const honest = createSessionManager({ store: raw(), clock: () => now, maxAge: 60 * 60_000 });
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
          const damaged = createSessionManager({ store: corruptingStore(raw(), corruption.damage), clock: () => now, maxAge: 60 * 60_000 });
          for (const token of [revoked.token, live.token]) outcomes.push(`${corruption.name} at +${step}: ${await outcome(() => damaged.validate(token))}`);
          if (corruption.inList !== false) outcomes.push(`${corruption.name} (list) at +${step}: ${await outcome(() => damaged.list(liveUser))}`);
        }
      }
      expect(outcomes.filter((line) => !line.endsWith(': STORE_ERROR'))).toEqual([]);
      await honest.close();
    });

    it('a store that answers apply or touch with no yes or no is a store error', async () => {
      const inner = raw();
      const userId = freshUser('corrupted-flag');
      const { session } = await createSessionManager({ store: inner }).create({ userId });
      const careless = overriding(inner, { apply: async () => 'yes' as never, touch: async () => 1 as never });
      const sessions = createSessionManager({ store: careless });
      expect(await outcome(() => sessions.create({ userId }))).toBe('STORE_ERROR');
      expect(await outcome(() => sessions.revokeAll(userId))).toBe('STORE_ERROR');
      expect(await outcome(() => sessions.reauthenticated(session.id))).toBe('STORE_ERROR');
    });

    it('a malformed user state is a store error too', async () => {
      const inner = raw();
      const userId = freshUser('corrupted-state');
      const good = { version: 0, sessions: [], epochs: {}, highWater: {}, tenantEpochs: {}, denied: {}, devices: {} };
      const answers: readonly unknown[] = [
        'garbage',
        null,
        { ...good, epochs: null },
        { ...good, epochs: { browser: Number.NaN } },
        { ...good, denied: 'x' },
        { ...good, denied: { a: 'soon' } },
        { ...good, version: -1 },
        { ...good, version: 1.5 },
        { ...good, tenantEpochs: { acme: { browser: 'later' } } },
        { ...good, devices: { d: null } },
        { ...good, highWater: { browser: 'later' } },
      ];
      const results: string[] = [];
      for (const answer of answers) {
        const damaged = overriding(inner, { readUser: async () => answer as never });
        const sessions = createSessionManager({ store: damaged, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
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
  const store: SessionStore = {
    get: (sessionId) => inner.get(sessionId),
    readUser: (userId, tenantId, sessionId) => inner.readUser(userId, tenantId, sessionId),
    readTenant: (tenantId) => inner.readTenant(tenantId),
    readKey: (key) => inner.readKey(key),
    apply: (batch) => inner.apply(batch),
    touch: (sessionId, times) => inner.touch(sessionId, times),
    prune: (options) => inner.prune(options),
    close: () => inner.close(),
    // A store that places a user's sessions by their id (Redis Cluster) needs its own ids.
    ...(inner.shardsByUser === true ? { shardsByUser: true } : {}),
    ...overrides,
  };
  return store;
}

/** The same store through an object of its own, as a second app server's handle: its optional methods too, and `close` does nothing. */
export function apart(inner: SessionStore): SessionStore {
  const { listActivity, subscribe, stats, callTimeout } = inner;
  return overriding(inner, {
    close: async () => undefined,
    ...(listActivity === undefined ? {} : { listActivity: (userId, options) => inner.listActivity!(userId, options) }),
    ...(subscribe === undefined ? {} : { subscribe: (listener, onResync) => inner.subscribe!(listener, onResync) }),
    ...(stats === undefined ? {} : { stats: (now) => inner.stats!(now) }),
    ...(callTimeout === undefined ? {} : { callTimeout }),
  });
}
