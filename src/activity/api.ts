/** One entry of a user's account activity ({@link SessionManager.activity}). */
export interface ActivityEntry {
  /** Unique; pass the last one's as `before` to read the next page. */
  readonly id: string;
  /** The event type, e.g. `session.created`, `session.revoked`, `tenant.sessions_invalidated`. */
  readonly type: string;
  /** When (ms). */
  readonly at: number;
  /** Why: `sign_in`, `sign_out`, `replaced`, `password_changed`, `not_me`, `admin`... */
  readonly reason: string;
  /** The session concerned, when there is one. */
  readonly sessionId?: string;
  /** The device, e.g. `"Chrome on Mac OS"`, when known. */
  readonly deviceLabel?: string;
  /** The client IP as the IP policy kept it, when known. */
  readonly ip?: string;
  /** Who acted when it was not the user: an admin, a support agent, a job. */
  readonly by?: string;
  /** The tenant, when the session had one (always on a tenant's own entry). */
  readonly tenantId?: string;
}

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
