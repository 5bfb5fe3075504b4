import type { FederatedIdentity } from '../store-capabilities/federated.js';
import type { InvalidationReason } from '../events.js';
import type { Session } from '../session.js';
import type { Epochs, JsonValue } from '../store.js';

// The public shapes the manager's core methods take and return (inputs, options, results),
// which features use too; the SessionManager interface itself is in manager/api.ts.

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
  /** App data, JSON only, at most 8 KiB serialised. */
  readonly data?: { readonly [key: string]: JsonValue } | undefined;
  /**
   * The session token (or tokens, when a browser sent two cookies of the name) the client
   * presented at sign-in. Each genuine one is revoked (reason `sign_out`) once the new session
   * is stored, so a sign-in never keeps an old token alive (no session fixation), and a sign-in
   * that fails in the store signs nobody out.
   */
  readonly previousToken?: string | readonly string[] | undefined;
  /**
   * `false` for "don't remember me": the HTTP layer writes a session-only cookie (no
   * `Max-Age`), which the browser drops when it closes. The server-side expiry is the same.
   * @default true
   */
  readonly persistent?: boolean | undefined;
  /**
   * Where the user signed in, when through an OpenID Connect provider: the ID token's `iss`,
   * `sub` and (when the provider sends one) `sid`. Stored beside the session (stores with the
   * federated capability) so a back-channel logout from that provider can end it; shown in `list`.
   */
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
  /**
   * The actor when it is not the user: an admin's id, a job name. Where a method acts from a
   * session (`signOut`, `revokeOthers`' kept session, a credential change's
   * `currentSessionId`) and `by` is left out, a support session's impersonator is taken.
   */
  readonly by?: string | undefined;
  /** Tenant, copied into events. */
  readonly tenantId?: string | undefined;
}

/** Options of {@link SessionManager.signOut}. */
export interface SignOutOptions extends ActorOptions {
  /**
   * Sign out this device only: the global-logout policy is not asked. For a session that may
   * not end other devices (the session routes' `requireFresh` when it is not fresh).
   * @default false
   */
  readonly thisDeviceOnly?: boolean | undefined;
}

/** Options of {@link SessionManager.reauthenticated}. */
export interface ReauthenticateOptions {
  /** The actor when it is not the user, for the audit event. */
  readonly by?: string | undefined;
}

/** Options of {@link SessionManager.revoke}. */
export interface RevokeSessionOptions extends ActorOptions {
  /** Event and tombstone reason. @default "revoked" */
  readonly reason?: string;
  /** When set, only a session of this user is revoked (others count as not found). */
  readonly userId?: string;
}

/** Options of {@link SessionManager.revokeAll}. */
export interface RevokeAllSessionsOptions extends ActorOptions {
  /**
   * A tenant admin's action: only this tenant's sessions of the user end (each live one is
   * revoked on its own, and no epoch moves), so the user stays signed in to other
   * organizations. Without it, every session of the kinds ends.
   */
  readonly tenantId?: string | undefined;
  /** Kinds to sign out, or `"all"`. @default the `everywhereKinds` option: browser and remember */
  readonly kinds?: readonly string[] | 'all';
  /** @default "sign_out_everywhere", or "admin" when `by` is set */
  readonly reason?: InvalidationReason | (string & {});
}

/** Options of {@link SessionManager.revokeOthers}. */
export interface RevokeOthersSessionsOptions extends ActorOptions {
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
  /** The present, for `lastUsed` and liveness. @default the manager's clock */
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

