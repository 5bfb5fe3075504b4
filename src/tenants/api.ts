import type { SessionError } from '../errors.js';
import type { RevokeAllSessionsOptions } from '../core/shapes.js';
import type { Epochs } from '../store.js';

/** What {@link SessionManager.revokeUsers} did for one user. */
export type RevokeUserOutcome =
  | {
      /** The user. */
      readonly userId: string;
      /** Signed out: of every session of the kinds, or with `tenantId` of that tenant's only. */
      readonly ok: true;
      /** The user's epochs of the revoked kinds after the raise (ms); empty with a `tenantId`, which raises none. */
      readonly epochs: Epochs;
    }
  | {
      /** The user. */
      readonly userId: string;
      /** Not signed out: retry this user. */
      readonly ok: false;
      /** Why: `STORE_UNAVAILABLE`, `STORE_ERROR` or `CLOSED`. */
      readonly error: SessionError;
    };

/** Options of {@link SessionManager.revokeTenant}. */
export interface RevokeTenantSessionsOptions {
  /** Kinds to sign out, or `"all"` (kinds only another instance declares too). @default the `everywhereKinds` option */
  readonly kinds?: readonly string[] | 'all';
  /** Who acted, for the event and the activity entry. */
  readonly by?: string | undefined;
  /** @default "admin" */
  readonly reason?: string | undefined;
}

/** The result of {@link SessionManager.revokeTenant}. */
export interface RevokeTenantResult {
  /** The tenant's epochs of the revoked kinds after the raises (ms). */
  readonly epochs: Epochs;
}

/** Tenant-wide and bulk sign-out: the manager methods of the tenants feature. */
export interface TenantActions {
  /**
   * Signs many users out, as {@link SessionManager.revokeAll} for each (duplicates count once); with `tenantId`, only that tenant's sessions.
   * @param userIds - At most 10,000 user ids.
   * @returns One outcome per distinct user, in order: its epochs, or the error that stopped it (the others go on).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT`, before anything is revoked, for bad ids or kinds.
   */
  revokeUsers(userIds: readonly string[], options?: RevokeAllSessionsOptions): Promise<RevokeUserOutcome[]>;

  /**
   * Signs out every user of a tenant, access tokens included, by one tenant epoch per kind (a sign-in right after works), raised a second time over a sign-in racing the first. Event `tenant.sessions_invalidated`.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT`; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`: when either raise fails (the first may have landed; calling again is safe).
   */
  revokeTenant(tenantId: string, options?: RevokeTenantSessionsOptions): Promise<RevokeTenantResult>;
}
