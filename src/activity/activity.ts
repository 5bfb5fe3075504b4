import { createHash } from 'node:crypto';
import { activityId } from '../activity-id.js';
import { SessionError } from '../errors.js';
import { applyIpPolicy } from '../ip-policy.js';
import { checkActivity } from '../store-answers.js';
import type { ActivityRecord, SessionStore } from '../store.js';
import type { ActivityEntry, ActivityOptions } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { checkId } from '../core/checks.js';
import { isWholeNumber } from '../option-checks.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1_000;

/** Whether the store keeps activity, known devices and revocation links: it lists activity. */
export const keepsActivity = (store: SessionStore): boolean => typeof store.listActivity === 'function';

/** The entry to write with a change, or `undefined` when the store keeps no activity. */
export function entryFor(context: ManagerContext, fields: Omit<ActivityRecord, 'id'>): ActivityRecord | undefined {
  // Absent fields stay absent: stores keep and answer exactly what they were given.
  return context.keepsActivity ? { id: activityId(fields.at), ...withoutUndefined(fields) } : undefined;
}

/** A copy without the fields whose value is `undefined`. */
export function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** Throws `INVALID_CONFIGURATION` when the store keeps no activity. */
export function requireActivity(context: ManagerContext, what: string): void {
  if (!context.keepsActivity) throw new SessionError('INVALID_CONFIGURATION', `${what} needs a store that keeps account activity; this store has no listActivity.`);
}

/** `sessions.activity(userId, options)`: one page, newest first. */
export async function listActivity(context: ManagerContext, userId: string, options: ActivityOptions = {}): Promise<ActivityEntry[]> {
  context.ensureOpen();
  checkId('userId', userId);
  requireActivity(context, 'activity()');
  const limit = options.limit === undefined ? DEFAULT_PAGE : options.limit;
  if (!isWholeNumber(limit, 1, MAX_PAGE)) throw new SessionError('INVALID_INPUT', `activity(): limit must be a whole number from 1 to ${MAX_PAGE}.`);
  if (options.before !== undefined && (typeof options.before !== 'string' || !/^[0-9A-Za-z._-]{1,64}$/.test(options.before))) {
    throw new SessionError('INVALID_INPUT', 'activity(): before must be the id of an entry of a previous page.');
  }
  if (options.tenantId !== undefined) checkId('tenantId', options.tenantId);
  const { store, calls } = context;
  const answer = await calls.call('listActivity', () => store.listActivity!(userId, { limit, before: options.before, tenantId: options.tenantId }));
  return checkActivity(answer, userId, options.tenantId, limit, options.before).map(toEntry);
}

function toEntry(record: ActivityRecord): ActivityEntry {
  const { id, type, at, reason, sessionId, deviceLabel, ip, by, tenantId } = record;
  const entry: Record<string, unknown> = { id, type, at, reason };
  for (const [key, value] of Object.entries({ sessionId, deviceLabel, ip, by, tenantId })) if (value !== undefined && value !== null) entry[key] = value;
  return entry as unknown as ActivityEntry;
}

/** "This device" for new-device alerts: browser, OS and network (IPv4 /24, IPv6 /48) hashed with the user id; a key, not a secret, so personal data. */
export function deviceHash(userId: string, device: { readonly browser?: string | undefined; readonly os?: string | undefined }, ip: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([userId, device.browser ?? '', device.os ?? '', applyIpPolicy(ip, 'truncate') ?? '']))
    .digest('base64url');
}

/** Whether a sign-in's device is new: never seen, or not within `window` of `at`; `undefined` (no device remembered) is never new. */
export function isNewDevice(previousSighting: number | null | undefined, at: number, window: number): boolean {
  return previousSighting === null || (previousSighting !== undefined && previousSighting <= at - window);
}
