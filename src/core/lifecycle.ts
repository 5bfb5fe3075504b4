import type { Session, SessionView, ValidationResult } from '../session.js';
import type { Epochs, SessionRecord } from '../store.js';
import type { FederatedLink } from '../storage/types.js';
import type { OthersScope } from '../rules/revoke-others.js';
import type { CreatedSession, CreateSessionInput, ListOptions, ReauthenticateOptions, RevokeAllResult, RevokeAllSessionsOptions, RevokeOthersResult, RevokeOthersSessionsOptions, RevokeSessionOptions, ValidateOptions } from './shapes.js';

/** Why a session was created: a sign-in, the fresh session of a credential change, support access. */
export type CreateReason = 'sign_in' | 'password_changed' | 'email_changed' | 'impersonation';

/** How a session other than a plain sign-in is made. */
export interface CreateHow {
  /** @default "sign_in" */
  readonly reason?: CreateReason;
  /** Kept from the session a credential change replaces; else the sign-in time. */
  readonly authenticatedAt?: number | undefined;
  /** A support session: who acts as the user (also the events' `by`). */
  readonly impersonatorId?: string | undefined;
  /** A support session: the admin's session that started it, and the admin's epochs as read then. */
  readonly impersonatorSessionId?: string | undefined;
  readonly impersonatorEpochs?: Epochs | undefined;
  /** A lifetime other than the kind's. */
  readonly maxAge?: number | undefined;
  /** A credential change's: the session it signs in again, in one batch with the user's sign-out everywhere (`by`, `tenantId`); `UNAUTHENTICATED` when that session had ended. */
  readonly replacing?: { readonly id: string; readonly by?: string | undefined; readonly tenantId?: string | undefined } | undefined;
}

/** The session lifecycle, handed to features so they sign in and revoke the one way the manager does. */
export interface Lifecycle {
  create(input: CreateSessionInput, how?: CreateHow): Promise<CreatedSession>;
  reauthenticated(sessionId: string, options?: ReauthenticateOptions): Promise<Session | null>;
  validate(token: unknown, options?: ValidateOptions): Promise<ValidationResult>;
  /** `read`: the row as the caller has just read it (its id `sessionId`), so it is not read again. */
  revoke(sessionId: string, options?: RevokeSessionOptions, read?: SessionRecord): Promise<boolean>;
  /** With `inTenant`, a `tenantId` limits the revocation to that tenant (`or-no-tenant`: and sessions in none); otherwise it only labels the event. */
  revokeAll(userId: string, options?: RevokeAllSessionsOptions, inTenant?: 'only' | 'or-no-tenant'): Promise<RevokeAllResult>;
  revokeOthers(userId: string, keepSessionId: string, options?: RevokeOthersSessionsOptions): Promise<RevokeOthersResult>;
  /** Ends the user's sessions in `scope` not ended yet (an idle one holds access tokens) in one batch with their read, each told as if revoked alone, and forgets a known device there; the ids ended. */
  revokeInScope(userId: string, scope: OthersScope, options: { reason: string; by?: string | undefined; forgetDevice?: string | undefined }): Promise<string[]>;
  /** Ends the live sessions signed in through these identities (of `tenantId` or of none, when given), a password change's new one among them, each user's in one batch; the ids ended. */
  revokeLinked(links: readonly FederatedLink[], options: { reason: string; by?: string | undefined; tenantId?: string | undefined }): Promise<string[]>;
  list(userId: string, options?: ListOptions): Promise<SessionView[]>;
}
