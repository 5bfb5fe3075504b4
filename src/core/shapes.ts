import type { FederatedIdentity } from '../store-records.js';
import type { InvalidationReason } from '../events.js';
import type { Session } from '../session.js';
import type { Epochs, JsonValue } from '../store.js';

/** What the app knows at sign-in. */
export interface CreateSessionInput {
  /** Who signed in: any string id of at most 256 characters. */
  readonly userId: string;
  /** @default "browser" */
  readonly kind?: string;
  /** The User-Agent header; parsed for the device label and capped before storing. */
  readonly userAgent?: string | undefined;
  /** The client's IP address, shown in the session list (capped at 64 characters). */
  readonly ip?: string | undefined;
  /** The user's tenant (account, organisation), copied into the session and its events. */
  readonly tenantId?: string | undefined;
  /** App data, JSON only, at most 8 KiB serialised and 32 levels of objects and arrays deep. */
  readonly data?: { readonly [key: string]: JsonValue } | undefined;
  /** The token(s) the client presented at sign-in: each genuine one ends with the new session (no session fixation), the user's own in its batch, and is not counted by `maxSessions`. */
  readonly previousToken?: string | readonly string[] | undefined;
  /** `false` for "don't remember me": a session-only cookie; the server-side expiry is the same. @default true */
  readonly persistent?: boolean | undefined;
  /** The ID token's `iss`, `sub` and `sid` of an OpenID Connect sign-in, so a back-channel logout can end the session. */
  readonly federated?: FederatedIdentity | undefined;
}

/** A new session and the token to hand to the client (once: it is not stored). */
export interface CreatedSession {
  /** `<id>.<secret>`: give it to the client (cookie or bearer); only its hash is stored. */
  readonly token: string;
  /** The stored session. */
  readonly session: Session;
}

/** Who acted, for the audit trail. */
export interface ActorOptions {
  /** The actor when it is not the user; left out on a support session, its impersonator is taken. */
  readonly by?: string | undefined;
  /** Tenant, copied into events. */
  readonly tenantId?: string | undefined;
}

/** Options of {@link SessionManager.signOut}. */
export interface SignOutOptions extends ActorOptions {
  /** Sign out this device only: the global-logout policy is not asked. @default false */
  readonly thisDeviceOnly?: boolean | undefined;
}

/** Options of {@link SessionManager.reauthenticated}. */
export interface ReauthenticateOptions {
  /** The actor when it is not the user, for the audit event. */
  readonly by?: string | undefined;
}

/** Options of {@link SessionManager.revoke}. */
export interface RevokeSessionOptions extends ActorOptions {
  /** Event and tombstone reason: at most 64 characters, printable. @default "revoked" */
  readonly reason?: string;
  /** When set, only a session of this user is revoked (others count as not found). */
  readonly userId?: string;
  /** When set, only a session of this tenant is revoked (others count as not found): a tenant admin's or a support session's action. */
  readonly tenantId?: string | undefined;
}

/** Options of {@link SessionManager.revokeAll}. */
export interface RevokeAllSessionsOptions extends ActorOptions {
  /** A tenant admin's action: only this tenant's sessions of the user end; other organizations stay signed in. */
  readonly tenantId?: string | undefined;
  /** Kinds to sign out, or `"all"` (kinds only another instance declares too). @default the `everywhereKinds` option: every kind but `api` */
  readonly kinds?: readonly string[] | 'all';
  /** @default "sign_out_everywhere", or "admin" when `by` is set */
  readonly reason?: InvalidationReason | (string & {});
}

/** Options of {@link SessionManager.revokeOthers}. */
export interface RevokeOthersSessionsOptions extends ActorOptions {
  /** A tenant admin's action: only this tenant's other sessions of the user end (without it, a support session kept is held to its own tenant). */
  readonly tenantId?: string | undefined;
  /** @default the `everywhereKinds` option */
  readonly kinds?: readonly string[] | 'all';
  /** @default "sign_out_others" */
  readonly reason?: InvalidationReason | (string & {});
}

/** Options of {@link SessionManager.passwordChanged} and {@link SessionManager.emailChanged}. */
export interface CredentialChangeOptions extends ActorOptions {
  /** The session that made the change; it stays signed in with a fresh token (policy allowing). */
  readonly currentSessionId?: string | undefined;
}

/** The fresh session of the device that changed a credential, when it stays signed in. */
export interface CredentialChangeResult {
  /** The fresh token of the device that stays signed in; absent when none stays. */
  readonly token?: string;
  /** Its session. */
  readonly session?: Session;
}

/** Options of {@link SessionManager.list}. */
export interface ListOptions {
  /** Marked `current: true` and listed first. */
  readonly currentSessionId?: string | undefined;
  /** Locale of `lastUsed`. @default "en" */
  readonly locale?: string | undefined;
  /** The present, for `lastUsed` and liveness: a finite time in ms (else `INVALID_INPUT`). @default the manager's clock */
  readonly now?: number | undefined;
  /** Only these kinds. @default every kind */
  readonly kinds?: readonly string[] | undefined;
}

/** The result of {@link SessionManager.revokeAll}. */
export interface RevokeAllResult {
  /** The user's epochs of the revoked kinds after the raise (ms); empty with a `tenantId`, which raises none. */
  readonly epochs: Epochs;
  /** With a `tenantId`: the sessions this call ended. */
  readonly revokedIds?: readonly string[];
}

/** The result of {@link SessionManager.revokeOthers}. */
export interface RevokeOthersResult {
  /** The sessions this call revoked. */
  readonly revokedIds: readonly string[];
}

/** The result of {@link SessionManager.signOut}. */
export interface SignOutResult {
  /** Whether the global-logout policy signed out every device of the user. */
  readonly global: boolean;
}

/** Options of `validate()`. */
export interface ValidateOptions {
  /** The token came as `Authorization: Bearer`. */
  readonly bearer?: boolean | undefined;
  /** `false`: the request is no use of the session, and `lastUsedAt` is not written. @default true */
  readonly touch?: boolean | undefined;
  /** `false`: a due rotation waits for the next request (the answer to this one may never reach the browser); a use all the same. @default true */
  readonly rotate?: boolean | undefined;
}
