import { isSessionError } from '../../errors.js';
import { mintToken } from '../../token.js';
import type { NewSessionRecord, StoreOperations } from '../../storage/types.js';

/** 30 days, the default lifetime. */
export const DAY = 24 * 60 * 60 * 1000;
export const MAX_AGE = 30 * DAY;

let users = 0;

/**
 * A user id unique to this run, so stores that share a server between runs never see
 * another run's rows.
 */
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

/** Creates a session without device replacement and returns the stored record. */
export async function insert(store: StoreOperations, userId: string, overrides: Partial<NewSessionRecord> = {}) {
  const { session } = await store.create(newRecord(store, userId, overrides), { replaceDevice: false });
  return session;
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

/** Whether a stored row reads as live at `now` given the user's epochs. */
export function isLive(
  session: { kind: string; createdAt: number; expiresAt: number; revokedAt?: number | undefined },
  epochs: Readonly<Record<string, number>>,
  now: number,
): boolean {
  return session.revokedAt === undefined && session.createdAt > (epochs[session.kind] ?? 0) && now < session.expiresAt;
}

/** Runs `count` calls of `task` with at most `width` in flight. */
export async function inBatches(count: number, width: number, task: (index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += width) {
    const batch: Promise<unknown>[] = [];
    for (let index = start; index < Math.min(count, start + width); index++) batch.push(task(index));
    await Promise.all(batch);
  }
}
