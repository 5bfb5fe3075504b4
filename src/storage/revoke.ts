import { raisedEpochs } from '../rules/epochs.js';
import { othersToRevoke } from '../rules/revoke-others.js';
import { checkLookup, checkTenantState } from '../store-answers.js';
import type { Epochs, SessionRecord } from '../store-records.js';
import type { SessionStore } from '../store.js';
import type { TenantOwner, TenantState, UserOwner, Write } from '../store-writes.js';
import { inSignInOrder, liveAsRead, mapOf, ownEntry } from './records.js';
import type { RevokeAllOptions, RevokeOptions, RevokeOthersOptions } from './types.js';
import { readUser } from './read-user.js';
import { versioned } from './versioned.js';

/** Ends one session (a tombstone with reason); the record as it was, or `null` when missing or already revoked. */
export async function revoke(store: SessionStore, sessionId: string, options: RevokeOptions, due?: number): Promise<SessionRecord | null> {
  const owner = options.userId ?? checkLookup(await store.get(sessionId), sessionId)?.session.userId;
  if (owner === undefined) return null;
  return versioned(store, { userId: owner }, 'revoke', due, async (apply) => {
    const state = await readUser(store, owner, undefined, sessionId);
    // A row ended since the caller judged it (another's sign-out everywhere) is not ended twice; one the caller's own just ended is recorded.
    const found = state.sessions.find((session) => session.id === sessionId);
    const row = options.afterOwnEpoch === true ? (found?.revokedAt === undefined ? found : undefined) : liveAsRead(state, sessionId, options.at);
    if (row === undefined) return null;
    return (await apply({ owner: { userId: owner }, version: state.version, writes: [...ending(row, options), ...activity(options)], notify: true })) ? row : undefined;
  });
}

/** "Sign out everywhere": raises the user's epochs of the kinds over every session stored (the user's high-water marks); reads no row. */
export function revokeAll(store: SessionStore, userId: string, options: RevokeAllOptions, due?: number): Promise<Epochs> {
  return raise(store, { userId }, async () => readUser(store, userId, undefined, null), options, due);
}

/** "Sign out my other devices", or a tenant admin's sign-out of the user: every live session in the options' scope but the one kept, as read; `activityOf` adds an entry for each. */
export function revokeOthers(store: SessionStore, userId: string, options: RevokeOthersOptions, due?: number): Promise<SessionRecord[]> {
  return versioned(store, { userId }, 'revokeOthers', due, async (apply) => {
    const state = await readUser(store, userId);
    const others = othersToRevoke({ sessions: inSignInOrder(state.sessions), epochs: state.epochs, tenantEpochs: mapOf(state.tenantEpochs) }, options, options.at);
    const forget = options.forgetDevice !== undefined && ownEntry(state.devices, options.forgetDevice) !== undefined ? [{ type: 'device', deviceHash: options.forgetDevice, lastSeenAt: 0 } as const] : [];
    const writes = [...others.flatMap((row) => [...ending(row, options), ...activity({ activity: options.activityOf?.(row) })]), ...activity(options), ...forget];
    if (writes.length === 0) return [];
    return (await apply({ owner: { userId }, version: state.version, writes, notify: others.length > 0 })) ? others : undefined;
  });
}

/** A tenant's "sign out everywhere": raises its epochs over every session of the tenant stored. */
export function revokeTenant(store: SessionStore, tenantId: string, options: RevokeAllOptions, due?: number): Promise<Epochs> {
  return raise(store, { tenantId }, async () => checkTenantState(await store.readTenant(tenantId)), options, due);
}

// Raises an owner's epochs over its high-water marks, with the activity entry, in one batch at the version read.
function raise(store: SessionStore, owner: UserOwner | TenantOwner, read: () => Promise<Pick<TenantState, 'version' | 'epochs' | 'highWater'>>, options: RevokeAllOptions, due: number | undefined): Promise<Epochs> {
  return versioned(store, owner, 'userId' in owner ? 'revokeAll' : 'revokeTenant', due, async (apply) => {
    const state = await read();
    const epochs = raisedEpochs({ epochs: mapOf(state.epochs), highWater: mapOf(state.highWater) }, options.kinds, options.at, options.everyStoredKind);
    return (await apply({ owner, version: state.version, writes: [{ type: 'epochs', epochs }, ...activity(options)], notify: true })) ? epochs : undefined;
  });
}

/** The largest `clockTolerance` an access-token verifier accepts (ms). */
export const MAX_CLOCK_TOLERANCE = 60_000;

/**
 * The writes that end one session: its tombstone, and its deny-list entry when asked. The entry lasts no
 * longer than a token minted for the row can (minting caps `exp` at the row's expiry), whatever the issuer's `maxTtl`.
 */
export function ending(row: Pick<SessionRecord, 'id' | 'expiresAt'>, options: Pick<RevokeOptions, 'at' | 'reason' | 'denyUntil'>): Write[] {
  const writes: Write[] = [{ type: 'revoke', sessionId: row.id, at: options.at, reason: options.reason }];
  if (options.denyUntil !== undefined) writes.push({ type: 'deny', sessionId: row.id, until: Math.min(options.denyUntil, row.expiresAt + 2 * MAX_CLOCK_TOLERANCE) });
  return writes;
}

/** The activity entry written with a revocation, if any. */
export const activity = (options: { readonly activity?: RevokeOptions['activity'] }): Write[] => (options.activity === undefined ? [] : [{ type: 'activity', entry: options.activity }]);
