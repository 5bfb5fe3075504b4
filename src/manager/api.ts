import type { FederatedActions } from '../federated/api.js';
import type { SecurityEventActions } from '../security-events/api.js';
import type { SecurityEventPollActions } from '../security-events/poll-api.js';
import type { GlobalTokenRevocationActions } from '../security-events/universal-logout/api.js';
import type { JSONWebKeySet } from 'jose';
import type { AccessTokenVerification, IssueAccessTokenOptions } from '../access-tokens/index.js';
import type { SessionEvent, SessionEventListener, SessionEventType } from '../events.js';
import type { Session, SessionView, ValidationResult } from '../session.js';
import type { SessionStore } from '../store.js';
import type { ActivityActions } from '../activity/api.js';
import type { ImpersonationActions } from '../impersonation/api.js';
import type { LiveEventActions } from '../live-events/api.js';
import type { PrivacyActions } from '../privacy/api.js';
import type { RevocationLinkActions } from '../revocation-links/api.js';
import type { TenantActions } from '../tenants/api.js';

export type { ActivityEntry, ActivityOptions } from '../activity/api.js';
export type { ImpersonateOptions } from '../impersonation/api.js';
export type { SessionLiveness } from '../live-events/api.js';
export type { ExportedDevice, ExportedSession, UserErasure, UserExport } from '../privacy/api.js';
export type { RedeemedRevocationLink, RedeemRevocationLinkOptions, RevocationLinkOptions } from '../revocation-links/api.js';
export type { RevokeTenantResult, RevokeTenantSessionsOptions, RevokeUserOutcome } from '../tenants/api.js';
export type { CreateSessionInput, CreatedSession, ActorOptions, SignOutOptions, ReauthenticateOptions, RevokeSessionOptions, RevokeAllSessionsOptions, RevokeOthersSessionsOptions, CredentialChangeOptions, CredentialChangeResult, ListOptions, RevokeAllResult, RevokeOthersResult, SignOutResult, ValidateOptions } from '../core/shapes.js';
import type { CreateSessionInput, CreatedSession, ActorOptions, SignOutOptions, ReauthenticateOptions, RevokeSessionOptions, RevokeAllSessionsOptions, RevokeOthersSessionsOptions, CredentialChangeOptions, CredentialChangeResult, ListOptions, RevokeAllResult, RevokeOthersResult, SignOutResult, ValidateOptions } from '../core/shapes.js';

/**
 * The session lifecycle: create, validate, revoke, list, prune. See {@link createSessionManager}.
 *
 * Methods that reach the store reject with a {@link session-revocation!SessionError}: `STORE_UNAVAILABLE` when the store cannot be reached or timed
 * out (nothing was decided), `STORE_ERROR` for any other store failure, `CLOSED` after {@link SessionManager.close}. The access-token methods also
 * reject on first use of a configured key that turns out unusable (`INVALID_CONFIGURATION`, or jose's error for a key it cannot import).
 * Options that are no plain object, or hold a key the method does not take (`tenant` for `tenantId`), are `INVALID_INPUT` before anything is read.
 */
export interface SessionManager extends TenantActions, ImpersonationActions, ActivityActions, RevocationLinkActions, PrivacyActions, LiveEventActions, FederatedActions, SecurityEventActions, SecurityEventPollActions, GlobalTokenRevocationActions {
  /** The store in use. */
  readonly store: SessionStore;
  /** Whether the manager was given `accessTokens` (so it can issue and verify access tokens). */
  readonly accessTokensEnabled: boolean;
  /**
   * Whether the store publishes revocations to every instance (it has `subscribe`: Redis, PostgreSQL, and the memory store within its process). When
   * it does not (SQLite), {@link SessionManager.watchRevocations} hears only this manager's own revocations.
   */
  readonly revocationsPublished: boolean;
  /**
   * Signs in: mints a token and stores a new session.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user or tenant id, an undeclared kind, or `data` that is not a JSON
   * object within 8 KiB and 32 levels deep; `SESSION_LIMIT` when the user has `maxSessions` live sessions of the kind and tenant and `onMaxSessions` is `"refuse"` (the
   * error's `sessions` lists them); `UNAUTHENTICATED` when a password change or a sign-out everywhere of the user landed while it was under way
   * (nothing is stored: check the credentials again); `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  create(input: CreateSessionInput): Promise<CreatedSession>;
  /**
   * Checks a token: one store read, a write only when the touch interval passed. Never throws for a bad token: it returns a refusal.
   * @param options - `bearer: true` for a token presented as `Authorization: Bearer`: a rotating kind's token is then `not_found`, as only a cookie receives new secrets;
   * `touch: false` for a request that is no use of the session (a page's live sign-out stream): `lastUsedAt` is not written and a due rotation waits for the next use (a rotation counts as use), so it never holds off the idle timeout;
   * `rotate: false` for a use whose answer may never reach the browser (a navigation another site sent, which that site can stop): a due rotation waits for the next request.
   * @returns `{ ok: true, session, rotatedToken? }`, or `{ ok: false, reason }` for a missing, malformed, unknown,
   * expired, idle, revoked or reused token.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for `options` other than `{ bearer?: boolean, touch?: boolean, rotate?: boolean }`; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`; `CLOSED` for a well-formed token after {@link SessionManager.close}.
   */
  validate(token: unknown, options?: ValidateOptions): Promise<ValidationResult>;
  /**
   * Records that the user proved who they are again on this session (asked for the password before a sensitive action): its `authenticatedAt` becomes
   * now, so it is fresh for `freshAge`. One versioned batch (with its activity entry), no new token. Event `session.reauthenticated`.
   * @returns The session with its new `authenticatedAt`, or `null` for an unknown, revoked, expired or idle one (nothing written).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  reauthenticated(sessionId: string, options?: ReauthenticateOptions): Promise<Session | null>;
  /**
   * Whether the user proved who they are on this session recently enough for a sensitive
   * action: `now - session.authenticatedAt < maxAge`. Synchronous, no store call.
   * @param maxAge - How recent (ms). @default the `freshAge` option (10 minutes)
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a session without a numeric
   * `authenticatedAt`, or a `maxAge` that is not a whole number of ms >= 1.
   */
  isFresh(session: Pick<Session, 'authenticatedAt'>, maxAge?: number): boolean;
  /**
   * Revokes one session (a tombstone stays until expiry). It cannot tell who acts: a session ending itself goes through
   * {@link SessionManager.signOut}, which names a support session's impersonator in `by`; here pass `by` yourself.
   * @param sessionId - An id of another shape revokes nothing.
   * @returns Whether this call revoked it (`false` when unknown, another user's or tenant's (`userId`, `tenantId`), or already ended: revoked, expired or
   * signed out everywhere, with no activity entry or event); an idle session is still ended, as its access tokens work.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revoke(sessionId: string, options?: RevokeSessionOptions): Promise<boolean>;
  /**
   * Signs a user out everywhere by raising epochs: O(1) for any number of sessions. With `tenantId` (a tenant admin's action) only that tenant's
   * sessions end, each revoked on its own, and no epoch moves.
   * @param options - The kinds to sign out (default: the `everywhereKinds` option), tenant, reason and actor.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id, or kinds that are
   * neither `"all"` nor a non-empty list of declared kinds; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeAll(userId: string, options?: RevokeAllSessionsOptions): Promise<RevokeAllResult>;
  /**
   * Logs out every device of the user but the session `keepSessionId` (an id of none of the user's sessions keeps none);
   * with `tenantId` (a tenant admin's action) only that tenant's, each revoked on its own. Without `tenantId`, a support session kept acts
   * in its own tenant only; it acts in its impersonator's name unless `by` is given.
   * @param options - The kinds to sign out (default: the `everywhereKinds` option), tenant, reason and actor.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user or session id, or bad
   * kinds (as {@link SessionManager.revokeAll}); `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeOthers(userId: string, keepSessionId: string, options?: RevokeOthersSessionsOptions): Promise<RevokeOthersResult>;
  /**
   * Signs this device out, or every device when the global-logout policy says so (unless
   * `thisDeviceOnly`, or the session is a support session or of a kind "sign out everywhere" leaves, an API token: it ends alone).
   * @param session - The signed-in session, as `validate` returned it.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad `session.userId` or a `thisDeviceOnly` that is not a boolean;
   * `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`. An error of a `globalLogout` policy function propagates as is, and nothing is signed out.
   */
  signOut(session: Pick<Session, 'id' | 'userId' | 'tenantId'>, options?: SignOutOptions): Promise<SignOutResult>;
  /**
   * A password change: other devices out; this one kept with a fresh token unless the policy is "all".
   * @returns The fresh token and session of the device that stays, or `{}` when none stays (policy
   * `"all"`, or `currentSessionId` names no live session of this user).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`. When this
   * device cannot be signed in again (a store failure, the cap), every device, this one included, is signed out before the error is thrown.
   */
  passwordChanged(userId: string, options?: CredentialChangeOptions): Promise<CredentialChangeResult>;
  /**
   * A password reset: every device out (the sessions of the `everywhereKinds` option).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  passwordReset(userId: string, options?: ActorOptions): Promise<void>;
  /**
   * An email change: other devices out; this one kept with a fresh token.
   * @returns The fresh token and session, or `{}` when `currentSessionId` names no live session of this user.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`; as
   * {@link SessionManager.passwordChanged}, every device is signed out first when this one cannot be signed in again.
   */
  emailChanged(userId: string, options?: CredentialChangeOptions): Promise<CredentialChangeResult>;
  /**
   * The live sessions of a user for a "Login management" list: current first, then most recently used. Revoked, expired and idle ones are left out.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id, or `kinds`
   * that is not a non-empty list of the manager's kinds; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  list(userId: string, options?: ListOptions): Promise<SessionView[]>;
  /**
   * Deletes expired rows in bounded batches.
   * @param options - `limit`: the most rows this call deletes. Default: every expired row.
   * @returns The number of session rows deleted.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a `limit` that is not a positive
   * number; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  prune(options?: { readonly limit?: number }): Promise<number>;
  /**
   * Prunes at once, then every `pruneInterval`, on an unref'd timer; a second call restarts it. A failed run goes to the `onError` option.
   * @returns A function that stops it.
   * @throws {@link session-revocation!SessionError} `CLOSED` after {@link SessionManager.close} (thrown, not rejected).
   */
  startPruning(): () => void;
  /**
   * Stops pruning and subscriptions and closes the store. A second call does nothing.
   * @throws What the store's `close()` rejects with, unchanged.
   */
  close(): Promise<void>;
  /**
   * Mints a short-lived JWT for the session, from the session as the store holds it (one read): its kind, creation, tenant and sign-in time; a
   * support session's token names who acts (`act`) and has no `auth_time`. A session that is not live in the store gets no token.
   * @param session - As `create` or `validate` returned it (its `id` and `userId` are read).
   * @param options - `ttl`: the lifetime in ms, at most the `maxTtl` option.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens` or without a private key (a verify-only service);
   * `INVALID_INPUT` for a `ttl` outside 1 s to `maxTtl`, or a session without a session id and a string `userId`; `UNAUTHENTICATED` for a session
   * that is not live in the store; `STORE_UNAVAILABLE` or `STORE_ERROR` when that read fails; `CLOSED`.
   */
  issueAccessToken(session: Pick<Session, 'id' | 'userId'>, options?: IssueAccessTokenOptions): Promise<string>;
  /**
   * Verifies a JWT: signature, expiry, epoch and deny-list; a support session's token is also checked against the store on every call (it ends the
   * moment its admin's session does). Never throws for a bad token: it returns a refusal.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens`;
   * `STORE_UNAVAILABLE` or `STORE_ERROR` (the store's `CLOSED` after close) when the revocation state of
   * a genuine token's user is not cached and cannot be read, or a support session's cannot be read.
   */
  verifyAccessToken(jwt: unknown): Promise<AccessTokenVerification>;
  /**
   * The public keys of the access-token signer as a JWKS, for services that verify with public
   * keys only; its `keys` list is empty when only HS256 secrets (never listed) are configured.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without `accessTokens`.
   */
  accessTokenJwks(): Promise<JSONWebKeySet>;
  /**
   * Listens to audit events (`"*"` for all), sent once the store has acknowledged the change.
   * The listener may be async; its errors go to the `onError` option, never to the caller of the action.
   * @returns A function that unsubscribes.
   */
  on<T extends SessionEventType | '*'>(type: T, listener: SessionEventListener<T extends '*' ? SessionEvent : Extract<SessionEvent, { type: T }>>): () => void;
}
