import type { ActivityRecord } from '../store-records.js';

/** One entry of a user's account activity ({@link SessionManager.activity}); pass the last one's `id` as `before` to read the next page. */
export type ActivityEntry = Omit<ActivityRecord, 'userId'>;

/** Options of {@link SessionManager.activity}. */
export interface ActivityOptions {
  /** At most this many entries, 1 to 1,000. @default 50 */
  readonly limit?: number | undefined;
  /** Entries older than this one (the `id` of the last entry of the previous page). */
  readonly before?: string | undefined;
  /** Also the tenant's own entries (tenant-wide sign-outs), merged in order. */
  readonly tenantId?: string | undefined;
}

/** Account activity: the manager method of the activity feature. */
export interface ActivityActions {
  /**
   * A user's account activity, newest first: sign-ins, sign-outs, revocations and who made them, kept `activityRetention`; every acknowledged revocation has its entry.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no activity; `INVALID_INPUT`; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  activity(userId: string, options?: ActivityOptions): Promise<ActivityEntry[]>;
}
