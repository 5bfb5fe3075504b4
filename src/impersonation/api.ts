/**
 * Support access: the manager method of the impersonation feature.
 *
 * @module
 */
import type { CreatedSession } from '../core/shapes.js';
import type { Session } from '../session.js';

/** Options of {@link SessionManager.impersonate}. */
export interface ImpersonateOptions {
  /** Lifetime of the support session in ms. @default the `impersonation` kind's maxAge: 1 hour */
  readonly ttl?: number | undefined;
  /**
   * The user's tenant, copied into the session (so `revokeTenant` ends it).
   * @default the admin session's tenant
   */
  readonly tenantId?: string | undefined;
  /** The support agent's User-Agent, for the device shown in the user's list. */
  readonly userAgent?: string | undefined;
  /** The support agent's IP. */
  readonly ip?: string | undefined;
}

/** Support access: the manager method of the impersonation feature. */
export interface ImpersonationActions {
  /**
   * Starts a support session: a session of kind `impersonation` for `userId`, carrying
   * `impersonatorId` (the admin's user id), which lasts an hour by default, is never fresh
   * (`isFresh` is false, `requireFresh` refuses), is listed to the user as support access, and
   * makes every event it causes carry `by`. It ends with the user's "sign out everywhere", and
   * the moment the admin session that started it ends however it ends (signed out, revoked,
   * password change, erasure, a bulk, tenant or identity-provider sign-out), on every instance
   * and for its access tokens too. The app decides who may impersonate whom before calling this.
   * @param adminSession - The admin's live session, as `validate` returned it.
   * @param userId - The user to act as.
   * @param options - Lifetime, tenant, the admin's device.
   * @returns The support session's token and session.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` when the admin session is not
   * live, or is itself a support session; `INVALID_INPUT` for bad ids or ttl;
   * `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  impersonate(adminSession: Pick<Session, 'id' | 'userId'>, userId: string, options?: ImpersonateOptions): Promise<CreatedSession>;
}
