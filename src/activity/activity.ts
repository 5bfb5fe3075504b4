import { createHash, randomBytes } from 'node:crypto';
import { SessionError } from '../errors.js';
import { applyIpPolicy } from '../ip-policy.js';
import { checkActivity, checkSighting } from '../store-answers.js';
import type { ActivityRecord, SessionStore } from '../store.js';
import type { ActivityEntry, ActivityOptions } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { checkId } from '../core/checks.js';

// Account activity: the entries the manager writes with each change (in the same store step
// where it is a revocation), the page a user reads, and the known devices behind `newDevice`.

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1_000;

/** Whether the store keeps activity (it has every method of the capability). */
export function keepsActivity(store: SessionStore): boolean {
  return (
    typeof store.appendActivity === 'function' &&
    typeof store.listActivity === 'function' &&
    typeof store.rememberDevice === 'function' &&
    typeof store.listDevices === 'function' &&
    typeof store.saveRevocationLink === 'function' &&
    typeof store.consumeRevocationLink === 'function'
  );
}

// Entries of one millisecond from this process keep the order they were written in.
let sequence = 0;
const SEQUENCE_SPAN = 36 ** 6;

/**
 * An entry id that sorts like time: the time in 15 decimal digits, a counter of this process
 * (entries of one millisecond stay in order), then randomness (two processes never collide),
 * so a store orders entries by id alone.
 */
export function activityId(at: number): string {
  sequence = (sequence + 1) % SEQUENCE_SPAN;
  // join() builds one flat string; a template literal (and padStart) leaves a tree of pieces
  // that stays that size in every store that keeps the id in memory.
  return [String(Math.max(0, Math.floor(at))).padStart(15, '0'), '-', sequence.toString(36).padStart(6, '0'), randomBytes(6).toString('base64url')].join('');
}

/** The fields of an entry before its id. */
export type EntryFields = Omit<ActivityRecord, 'id'>;

/** The entry to write with a change, or `undefined` when the store keeps no activity. */
export function entryFor(context: ManagerContext, fields: EntryFields): ActivityRecord | undefined {
  if (!context.keepsActivity) return undefined;
  const entry: Record<string, unknown> = { id: activityId(fields.at) };
  // Absent fields stay absent: stores keep and answer exactly what they were given.
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry[key] = value;
  return entry as unknown as ActivityRecord;
}

/** The store must keep activity for this call; otherwise a clear configuration error. */
export function requireActivity(context: ManagerContext, what: string): void {
  if (!context.keepsActivity) {
    throw new SessionError('INVALID_CONFIGURATION', `${what} needs a store that keeps account activity; this store has no appendActivity/listActivity.`);
  }
}

/** `sessions.activity(userId, options)`: one page, newest first. */
export async function listActivity(context: ManagerContext, userId: string, options: ActivityOptions = {}): Promise<ActivityEntry[]> {
  context.ensureOpen();
  checkId('userId', userId);
  requireActivity(context, 'activity()');
  const limit = options.limit ?? DEFAULT_PAGE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new SessionError('INVALID_INPUT', `activity(): limit must be a whole number from 1 to ${MAX_PAGE}.`);
  }
  if (options.before !== undefined && (typeof options.before !== 'string' || !/^[0-9A-Za-z._-]{1,64}$/.test(options.before))) {
    throw new SessionError('INVALID_INPUT', 'activity(): before must be the id of an entry of a previous page.');
  }
  if (options.tenantId !== undefined) checkId('tenantId', options.tenantId);
  const { store, calls } = context;
  const answer = await calls.call('listActivity', () => store.listActivity!(userId, { limit, before: options.before, tenantId: options.tenantId }));
  return checkActivity(answer, userId, options.tenantId, limit).map(toEntry);
}

// The public shape: the stored fields but the owner (the caller named it), absent ones left out.
function toEntry(record: ActivityRecord): ActivityEntry {
  const { id, type, at, reason, sessionId, deviceLabel, ip, by, tenantId } = record;
  const entry: Record<string, unknown> = { id, type, at, reason };
  for (const [key, value] of Object.entries({ sessionId, deviceLabel, ip, by, tenantId })) if (value !== undefined && value !== null) entry[key] = value;
  return entry as unknown as ActivityEntry;
}

/**
 * What identifies "this device" for new-device alerts: the browser and OS, and the network
 * (IPv4 /24, IPv6 /48) when the IP is known, hashed with the user id. The hash is a key, not a
 * secret: the few browsers, systems and networks can be tried one by one, so it is personal
 * data like the sessions' own fields (exported, erased with the user).
 */
export function deviceHash(userId: string, device: { readonly browser?: string | undefined; readonly os?: string | undefined }, ip: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([userId, device.browser ?? '', device.os ?? '', networkOf(ip)]))
    .digest('base64url');
}

function networkOf(ip: string | undefined): string {
  return applyIpPolicy(ip, 'truncate') ?? '';
}

/**
 * Records the sign-in's device and answers whether it is new: not seen for this user within
 * `knownDeviceWindow`. A store without activity cannot tell: never new, so no alert is sent
 * for every sign-in.
 */
export async function sawDevice(
  context: ManagerContext,
  userId: string,
  device: { readonly browser?: string | undefined; readonly os?: string | undefined },
  ip: string | undefined,
  at: number,
): Promise<boolean> {
  if (!context.keepsActivity) return false;
  const { store, calls, config } = context;
  const hash = deviceHash(userId, device, ip);
  const previous = checkSighting(await calls.call('rememberDevice', () => store.rememberDevice!(userId, hash, at)));
  return previous === null || previous <= at - config.knownDeviceWindow;
}
