import { matchSecret, newRotationSalt, retiredAfterRotation, successorSecret } from '../rotation/index.js';
import type { SessionRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import { hashSecret, sameHash, storedHash } from '../token.js';
import { liveAsRead } from './records.js';
import { activity, ending } from './revoke.js';
import type { ReusedOptions, RotatedSecret } from './types.js';
import { readUser } from './read-user.js';
import { versioned } from './versioned.js';

/**
 * Rotates a session's secret once however many requests present it: the first writes the row
 * with the successor's hash at the version read; the others answer the same successor unwritten.
 * @returns The successor and the row as it now is, or `null` when the row is gone, revoked,
 * or the presented secret is neither its current nor the one its current succeeded.
 */
export function rotate(store: SessionStore, userId: string, sessionId: string, presented: string, at: number, due?: number): Promise<RotatedSecret | null> {
  const presentedHash = hashSecret(presented);
  return versioned(store, { userId }, 'rotate', due, async (apply) => {
    const state = await readUser(store, userId, undefined, sessionId);
    // Judged again as read here: a revokeAll since the request's own read leaves nothing to rotate.
    const row = liveAsRead(state, sessionId, at);
    if (row === undefined) return null;
    if (sameHash(presentedHash, row.secretHash)) {
      const rotationSalt = newRotationSalt();
      const secret = successorSecret(presented, row.id, at, rotationSalt);
      const session: SessionRecord = { ...row, secretHash: storedHash(secret), previousSecretHash: new Uint8Array(row.secretHash), retiredSecretHashes: retiredAfterRotation(row), rotatedAt: at, rotationSalt, lastUsedAt: Math.max(row.lastUsedAt, at) };
      return (await apply({ owner: { userId }, version: state.version, writes: [{ type: 'insert', session }] })) ? { secret, session } : undefined;
    }
    // Another request (on this instance or another) rotated it first: the same successor.
    if (row.previousSecretHash === undefined || row.rotatedAt === undefined || !sameHash(presentedHash, row.previousSecretHash)) return null;
    // checkUserState refused a row with rotatedAt and without rotationSalt.
    const secret = successorSecret(presented, row.id, row.rotatedAt, row.rotationSalt!);
    return sameHash(hashSecret(secret), row.secretHash) ? { secret, session: row } : null;
    // Not queued: a burst presenting one due cookie, each behind the one before, would wait out its deadline on a slow store; the losers read the successor.
  }, false);
}

/**
 * Ends a session whose retired secret was presented after the grace (`token_reused`), with its
 * deny-list entry and activity in the same batch, once the row read still says so.
 * @returns The row as it was, or `null` when it is gone, no longer live as read here (a sign-out everywhere since the request's read is no reuse), or the presented
 * secret is no longer the retired one past its grace (nothing written).
 */
export function revokeReused(store: SessionStore, userId: string, sessionId: string, presented: string, options: ReusedOptions, due?: number): Promise<SessionRecord | null> {
  return versioned(store, { userId }, 'revokeReused', due, async (apply) => {
    const state = await readUser(store, userId, undefined, sessionId);
    const row = liveAsRead(state, sessionId, options.at);
    if (row === undefined || matchSecret(presented, row, options.rotationGrace, options.at) !== 'reused') return null;
    const writes = [...ending(row, options), ...activity(options)];
    return (await apply({ owner: { userId }, version: state.version, writes, notify: true })) ? row : undefined;
  });
}
