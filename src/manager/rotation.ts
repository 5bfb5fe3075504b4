import { entryFor } from '../activity/activity.js';
import type { ManagerContext } from '../core/context.js';
import { sessionLabel } from '../device.js';
import { isSessionError } from '../errors.js';
import { storedSessionOf } from '../core/live-session.js';
import { DEFAULT_ROTATION_GRACE, matchSecret, successorSecret, TOKEN_REUSED, type RotationPolicy } from '../rotation/index.js';
import type { SessionRecord } from '../store-records.js';

// The manager's side of rotation: the rules are in `src/rotation`, the writes in `src/storage/rotate.ts`.

/** The grace of a kind (ms). */
export const graceOf = (context: ManagerContext, kind: string): number => context.config.kinds.get(kind)?.rotationGrace ?? DEFAULT_ROTATION_GRACE;

/** Whether a secret stands for the row: its current one, or a rotated-out one inside the grace. */
export function isPresentable(context: ManagerContext, secret: string, record: SessionRecord, now: number): boolean {
  const match = matchSecret(secret, record, graceOf(context, record.kind), now);
  return match === 'current' || match === 'previous';
}

/** The successor token of a previous secret presented inside the grace: computed, nothing read or written. */
export function successorToken(record: SessionRecord, previous: string): string {
  // Only a rotated row has a previous secret, and a checked store answer never has rotatedAt without rotationSalt.
  return `${record.id}.${successorSecret(previous, record.id, record.rotatedAt!, record.rotationSalt!)}`;
}

// A lost answer (`STORE_UNAVAILABLE`) may hide a batch that landed: `settle` finds out what it did; when it fails too, the first failure is thrown.
const settledIfLost = <T>(call: () => Promise<T>, settle: () => Promise<T>): Promise<T> =>
  call().catch((error: unknown) => (isSessionError(error) && error.code === 'STORE_UNAVAILABLE' ? settle().catch(() => Promise.reject(error)) : Promise.reject(error)));

/** Rotates a due secret in one versioned batch; `undefined` when the row changed under it (revoked, gone, rotated again). */
export async function rotateSecret(context: ManagerContext, record: SessionRecord, presented: string, now: number): Promise<{ token: string; session: SessionRecord } | undefined> {
  const rotate = () => context.calls.call('rotate', (due) => context.store.rotate(record.userId, record.id, presented, now, due));
  // Asked again, the row answers the successor a landed batch wrote, so the device is not left with a retired cookie.
  const rotated = await settledIfLost(rotate, rotate);
  return rotated === null ? undefined : { token: `${record.id}.${rotated.secret}`, session: rotated.session };
}

/** A retired secret came back after the grace: ends the session (`token_reused`) and emits `session.reused`, unless another instance did first. */
export async function endReused(context: ManagerContext, record: SessionRecord, presented: string, policy: Pick<RotationPolicy, 'rotationGrace'>, now: number): Promise<void> {
  const label = sessionLabel(record);
  const activity = entryFor(context, { userId: record.userId, tenantId: record.tenantId, type: 'session.reused', at: now, reason: TOKEN_REUSED, sessionId: record.id, deviceLabel: label, ip: record.ip });
  const options = { at: now, reason: TOKEN_REUSED, denyUntil: context.denyUntil(now), activity, rotationGrace: policy.rotationGrace };
  const revoke = () => context.calls.call('revokeReused', (due) => context.store.revokeReused(record.userId, record.id, presented, options, due));
  // A row this very reuse revoked is announced, so the user's alert is not lost with the answer.
  const ended = await settledIfLost(revoke, async () => {
    const stored = (await storedSessionOf(context, record.userId, record.id))?.session;
    return stored?.revokedReason === TOKEN_REUSED && stored.revokedAt === now ? record : revoke();
  });
  if (ended === null) return;
  context.afterRevocation(record.userId);
  context.hub.emit({ type: 'session.reused', at: now, userId: record.userId, tenantId: record.tenantId, sessionIds: [record.id], reason: TOKEN_REUSED, ip: record.ip, deviceLabel: label, kind: record.kind });
}
