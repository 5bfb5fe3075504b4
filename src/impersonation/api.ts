import type { CreatedSession } from '../core/shapes.js';
import type { Session } from '../session.js';

/** Options of {@link SessionManager.impersonate}. */
export interface ImpersonateOptions {
  /** Lifetime of the support session in ms. @default the `impersonation` kind's maxAge: 1 hour */
  readonly ttl?: number | undefined;
  /** The user's tenant, copied into the session (so `revokeTenant` ends it); pass it when the agent's tenant is not the user's. @default the admin session's tenant */
  readonly tenantId?: string | undefined;
  /** The support agent's User-Agent, for the device shown in the user's list. */
  readonly userAgent?: string | undefined;
  /** The support agent's IP. */
  readonly ip?: string | undefined;
}

/** Support access: the manager method of the impersonation feature. */
export interface ImpersonationActions {
  /**
   * Starts a support session (kind `impersonation`) for `userId`: never fresh, listed to the user as support access, its events carry `by`.
   * It ends with the user's "sign out everywhere" and when the admin session ends. The app decides who may impersonate whom.
   * @param adminSession - The admin's live session, as `validate` returned it.
   * @throws {@link session-revocation!SessionError} `UNAUTHENTICATED` when the admin session is not live or is itself a support
   * session, or the user's sessions were ended while it was under way (the admin may try again); `INVALID_INPUT` for bad ids, tenant or ttl;
   * `SESSION_LIMIT` when the `impersonation` kind is capped with `refuse` and the user has that many; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  impersonate(adminSession: Pick<Session, 'id' | 'userId'>, userId: string, options?: ImpersonateOptions): Promise<CreatedSession>;
}
