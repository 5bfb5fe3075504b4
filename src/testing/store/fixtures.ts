import { isSessionError } from '../../errors.js';
import { mintToken } from '../../token.js';
import { ownRefusal } from '../../liveness.js';
import type { SessionLookup, SessionRecord, SessionStore } from '../../store.js';
import type { NewSessionRecord, SessionLimit, StoreOperations } from '../../storage/index.js';
import { BROWSERS } from '../framework/client.js';

export const DAY = 24 * 60 * 60 * 1000;
/** 30 days, the default lifetime. */
export const MAX_AGE = 30 * DAY;

/** The framework suite's {@link BROWSERS}, so one user's sessions made through the manager do not replace each other. */
export const { chromeMac: CHROME_MAC, safariIphone: SAFARI_IPHONE, firefoxWindows: FIREFOX_WINDOWS } = BROWSERS;
/** The device fields of a row signed in from Chrome on macOS. */
export const CHROME_MAC_DEVICE = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };
/** The access-token secret of the suite's managers. */
export const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

export const evictOldest = (max: number, idleBefore = 0): SessionLimit => ({ max, onLimit: 'evict-oldest', idleBefore });
export const refuse = (max: number): SessionLimit => ({ max, onLimit: 'refuse', idleBefore: 0 });

let users = 0;

/** A user id unique to this run, so stores that share a server between runs never see another run's rows. */
export function freshUser(label = 'user'): string {
  users += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${users}`;
}

/** A new session record near the real clock (Redis expires keys by the real clock). */
export function newRecord(store: StoreOperations, userId: string, overrides: Partial<NewSessionRecord> = {}): NewSessionRecord {
  const { id, secretHash } = mintToken(store.sessionIdPrefix?.(userId));
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    id,
    userId,
    kind: 'browser',
    secretHash,
    createdAt,
    authenticatedAt: createdAt,
    maxAge: MAX_AGE,
    ...overrides,
  };
}

/** A new record as a row of the store contract (`apply`'s insert). */
export function storedRow(store: StoreOperations, userId: string): SessionRecord {
  const { maxAge, ...record } = newRecord(store, userId);
  return { ...record, expiresAt: record.createdAt + maxAge, lastUsedAt: record.createdAt };
}

/** The ids in sort order. */
export const sorted = (ids: Iterable<string>): string[] => [...ids].sort();

/** The named fields of `object`, absent ones as `undefined`. */
export const pick = (object: object, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((key) => [key, (object as Record<string, unknown>)[key]]));

/** Creates a session without device replacement and returns the stored record. */
export async function insert(store: StoreOperations, userId: string, overrides: Partial<NewSessionRecord> = {}) {
  const { session } = await store.create(newRecord(store, userId, overrides), { replaceDevice: false });
  return session;
}

/** Signs `userId` in from the device `deviceHash` at `at`; the device's previous sign-in, or `null` for a new one. */
export async function signInFrom(store: StoreOperations, userId: string, deviceHash: string, at: number): Promise<number | null | undefined> {
  return (await store.create(newRecord(store, userId, { createdAt: at }), { replaceDevice: false, deviceHash })).previousSighting;
}

/** `"created"` when the call succeeds, else the code of the `SessionError` it rejected with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'created';
  } catch (error) {
    return isSessionError(error) ? error.code : String(error);
  }
}

/** Whether a stored row reads as live at `now` by the library's own rule, against the epochs (user's and tenant's) it was read with. */
export function isLive(found: Pick<SessionLookup, 'session' | 'epochs' | 'tenantEpochs'>, now: number): boolean {
  return ownRefusal(found.session, found, now) === undefined;
}

/** Runs `count` calls of `task` with at most `width` in flight. */
export async function inBatches(count: number, width: number, task: (index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += width) {
    const batch: Promise<unknown>[] = [];
    for (let index = start; index < Math.min(count, start + width); index++) batch.push(task(index));
    await Promise.all(batch);
  }
}

/** `store` with each method call handed to `around` with its name, a function making the call, and its arguments. */
export function intercepted(store: SessionStore, around: (method: string, call: () => unknown, args: readonly unknown[]) => unknown): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => around(property, () => (value as (...a: unknown[]) => unknown).apply(target, args), args);
    },
  });
}

/** Resolves after `count` turns of the event loop. */
export const turns = async (count: number): Promise<void> => {
  for (let turn = 0; turn < count; turn++) await new Promise(setImmediate);
};

/** The same store through an object of its own, as a second app server's handle: its optional methods too, and `close` does nothing. */
export const apart = (inner: SessionStore): SessionStore => intercepted(inner, (method, call) => (method === 'close' ? Promise.resolve() : call()));

/** `store`, counting its calls by method. */
export function counting(store: SessionStore): { store: SessionStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = intercepted(store, (method, call) => {
    calls.set(method, (calls.get(method) ?? 0) + 1);
    return call();
  });
  return { store: counted, calls };
}
