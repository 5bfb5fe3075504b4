/**
 * Tenant-wide and bulk sign-out: the manager methods of the tenants feature.
 *
 * @module
 */
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
      /**
       * The user's epochs of the revoked kinds after the raise (ms); empty with a `tenantId`,
       * which raises none (that tenant's live sessions are revoked one by one).
       */
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
  /** Kinds to sign out, or `"all"`. @default the `everywhereKinds` option */
  readonly kinds?: readonly string[] | 'all';
  /** Who acted, for the event and the activity entry. */
  readonly by?: string | undefined;
  /** @default "admin" */
  readonly reason?: string | undefined;
}

/** The result of {@link SessionManager.revokeTenant}. */
export interface RevokeTenantResult {
  /** The tenant's epochs of the revoked kinds after the raise (ms). */
  readonly epochs: Epochs;
}

/** Tenant-wide and bulk sign-out: the manager methods of the tenants feature. */
export interface TenantActions {
  /**
   * Signs many users out, as {@link SessionManager.revokeAll} for each (a breach response, an
   * offboarding script), at most 16 store calls at once. Duplicates count once. Without
   * `tenantId` each user is signed out everywhere (the kinds' epochs raised); with it, only of
   * that tenant's sessions, each user staying signed in to other organizations and to sessions
   * without a tenant (a tenant admin removing members).
   * @param userIds - At most 10,000 user ids.
   * @param options - The kinds, reason, actor and tenant, the same for every user.
   * @returns One outcome per distinct user, in order: its epochs, or the error that stopped it
   * (the others go on).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` (before anything is revoked) for a list
   * that is not one of valid ids, or bad kinds.
   */
  revokeUsers(userIds: readonly string[], options?: RevokeAllSessionsOptions): Promise<RevokeUserOutcome[]>;

  /**
   * Signs out every user of a tenant (an organization's breach response): one tenant epoch per
   * kind, O(1) writes however many users and sessions, checked on every validation in the same
   * store read as the user's epochs, and refusing access tokens minted before it too. A sign-in
   * right after works. Event `tenant.sessions_invalidated`, and an entry in the tenant's
   * activity (read with `activity(userId, { tenantId })`).
   * @param tenantId - The tenant.
   * @param options - The kinds (default: the `everywhereKinds` option), actor and reason.
   * @returns The tenant's epochs of those kinds after the raise.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the store keeps no
   * tenant epochs; `INVALID_INPUT` for a bad tenant id or kinds; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  revokeTenant(tenantId: string, options?: RevokeTenantSessionsOptions): Promise<RevokeTenantResult>;
}
