import { raisedEpochs } from '../rules/epochs.js';
import { checkFlag } from '../store-answers.js';
import type { ActivityRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import type { Write } from '../store-writes.js';
import type { KnownDevice, RevocationState, UserSessions } from './types.js';
import { unindexFederated } from './federated.js';
import { inSignInOrder, isLiveAsRead, liveAsRead, mapOf, ownEntry } from './records.js';
import { readUser } from './read-user.js';
import { versioned } from './versioned.js';

/** The user's rows, the epochs they are judged against, and the latest sign-in time of each kind. */
export async function listByUser(store: SessionStore, userId: string): Promise<UserSessions> {
  const { sessions, epochs, tenantEpochs, highWater } = await readUser(store, userId);
  return { sessions: inSignInOrder(sessions), epochs, tenantEpochs, highWater };
}

/** The user's epochs and deny-list, and with `tenantId` that tenant's epochs. */
export async function revocationState(store: SessionStore, userId: string, tenantId?: string): Promise<RevocationState> {
  const state = await readUser(store, userId, tenantId, null);
  return { epochs: state.epochs, denied: state.denied, tenantEpochs: ownEntry(state.tenantEpochs, tenantId) };
}

/** Deletes the user's rows, deny-list, devices, activity and keys, raising the epochs over every stored session in that batch; the number of rows deleted. */
export function eraseUser(store: SessionStore, userId: string, now: number, due?: number): Promise<number> {
  return versioned(store, { userId }, 'eraseUser', due, async (apply) => {
    const state = await readUser(store, userId);
    // Before the batch, so a sign-in after it is listed again; a session still live here (signed in since the erase's sign-out
    // everywhere) keeps its keys, so its provider's logout finds it should the batch fail.
    const live = state.sessions.filter((row) => isLiveAsRead(state, row, now));
    await unindexFederated(store, userId, state.sessions, live, now, due);
    const epochs = raisedEpochs({ epochs: mapOf(state.epochs), highWater: mapOf(state.highWater) }, [], now, true);
    return (await apply({ owner: { userId }, version: state.version, writes: [{ type: 'epochs', epochs }, { type: 'erase' }], notify: true })) ? state.sessions.length : undefined;
  });
}

/** The user's known devices, last seen first. */
export async function listDevices(store: SessionStore, userId: string): Promise<readonly KnownDevice[]> {
  const { devices } = await readUser(store, userId, undefined, null);
  // Ordered here: each store answers them in an order of its own (by hash, by time, as written).
  return Object.entries(devices)
    .map(([deviceHash, lastSeenAt]) => ({ deviceHash, lastSeenAt }))
    .sort((a, b) => b.lastSeenAt - a.lastSeenAt || (a.deviceHash < b.deviceHash ? -1 : 1));
}

/**
 * Marks a session re-authenticated at `at`, with its activity entry, in one batch at the version read: a rotation or an erase
 * meanwhile, on any instance, is read again, never overwritten, and none writes this back. `false` when the row is gone or ended.
 */
export function reauthenticate(store: SessionStore, userId: string, sessionId: string, at: number, entry?: ActivityRecord, due?: number): Promise<boolean> {
  return versioned(store, { userId }, 'reauthenticate', due, async (apply) => {
    const state = await readUser(store, userId, undefined, sessionId);
    const row = liveAsRead(state, sessionId, at);
    if (row === undefined) return false;
    // A use too, as a rotation is: a touch that landed since the read (no version moves for one) is not written back over.
    const session = { ...row, authenticatedAt: Math.max(row.authenticatedAt, at), lastUsedAt: Math.max(row.lastUsedAt, at) };
    const writes: Write[] = [{ type: 'insert', session }, ...(entry === undefined ? [] : [{ type: 'activity', entry } as const])];
    return (await apply({ owner: { userId }, version: state.version, writes })) || undefined;
  });
}

/** Appends entries, each to its owner's activity (one batch per entry's owner). */
export async function appendActivity(store: SessionStore, entries: readonly ActivityRecord[]): Promise<void> {
  for (const entry of entries) {
    const owner = entry.userId !== undefined ? { userId: entry.userId } : entry.tenantId !== undefined ? { tenantId: entry.tenantId } : undefined;
    if (owner !== undefined) checkFlag(await store.apply({ owner, writes: [{ type: 'activity', entry }] }), 'apply');
  }
}
