// The rows a store keeps, and the bounds the manager guarantees on what it hands a store.
import { createHash } from 'node:crypto';

/** The sizes the manager guarantees for what it hands a store (characters; bytes and levels for `data`). */
export const STORE_LIMITS = Object.freeze({
  /** User, tenant and session ids. */
  idLength: 256,
  /** The User-Agent header, cut to this length before parsing and storing. */
  userAgentLength: 512,
  /** The client IP. */
  ipLength: 64,
  /** App data, serialised as JSON. */
  dataBytes: 8 * 1024,
  /** Levels of objects and arrays in app data, the outer object counted: deeper breaks decoders (Lua's cjson stops at 1,000) and copies. */
  dataDepth: 32,
});

/** The sizes the manager guarantees for a session's federated origin (characters). */
export const FEDERATED_LIMITS = Object.freeze({
  /** `iss`: an https URL. */
  issLength: 512,
  /** `sub`: OpenID Connect Core caps it at 255 ASCII characters. */
  subLength: 255,
  /** `sid`, and the ids of tokens claimed once. */
  idLength: 255,
});

/**
 * A session kind. `browser` (default), `remember` (remember-me cookie) and `api` (bearer
 * tokens) are built in; apps may declare more in the manager's `kinds` option.
 */
export type SessionKind = 'browser' | 'remember' | 'api' | (string & {});

/** A JSON value an app may attach to a session in `data`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Revocation epochs of one user: kind to timestamp (ms). A session of that kind whose
 * `createdAt <= epoch` is revoked. A kind that is absent has never been revoked.
 */
export type Epochs = Readonly<Record<string, number>>;

/** One stored session, as a store keeps it: only `SHA-256(secret)`, never the secret. */
export interface SessionRecord {
  /** 22 base64url characters (16 random bytes). */
  readonly id: string;
  /** The owner. */
  readonly userId: string;
  /** The owner's tenant, when the app gave one. */
  readonly tenantId?: string | undefined;
  /** The session kind. */
  readonly kind: SessionKind;
  /** SHA-256 of the token's secret part, 32 bytes; a view may share its `.buffer` (read `byteOffset` and `byteLength`, or copy it with `new Uint8Array(hash)`). */
  readonly secretHash: Uint8Array;
  /** When the session was created (ms). Always greater than the user's epoch at creation. */
  readonly createdAt: number;
  /** Absolute expiry (ms): `maxAge` from the sign-in, on the signing-in server's clock. Never extended by activity. */
  readonly expiresAt: number;
  /** Last time the session was used (ms), written at most once per touch interval. */
  readonly lastUsedAt: number;
  /** When the user last proved who they are on this session (ms): the sign-in, or the latest re-authentication; 0 for a support session, which nobody proved. */
  readonly authenticatedAt: number;
  /** `false` for a session-only cookie; absent means `true`. Stored so a fresh token for the device keeps the choice. */
  readonly persistent?: boolean | undefined;
  /** `"<browser>|<os>"`, the key of "one session per browser and OS". */
  readonly deviceKey?: string | undefined;
  /** Browser name, e.g. `"Chrome"`. */
  readonly browser?: string | undefined;
  /** Operating system name, e.g. `"Mac OS"`. */
  readonly os?: string | undefined;
  /** `"desktop" | "mobile" | "tablet"` or another parser-given type. */
  readonly deviceType?: string | undefined;
  /** The User-Agent header, capped in length by the manager. */
  readonly userAgent?: string | undefined;
  /** The client IP at sign-in, capped by the manager. */
  readonly ip?: string | undefined;
  /** App data, JSON only. */
  readonly data?: { readonly [key: string]: JsonValue } | undefined;
  /** Set on a support session (kind `impersonation`): the id of the person acting as the user. */
  readonly impersonatorId?: string | undefined;
  /** Set on a support session: the admin's own session, which it lives no longer than. */
  readonly impersonatorSessionId?: string | undefined;
  /** Set on a support session: its admin's epochs as read when it began; a later one of any kind ends it (never compared with `createdAt`: two servers' clocks); a support row without them ends at any. */
  readonly impersonatorEpochs?: Epochs | undefined;
  /** Set when this one session was revoked (sign out, replaced, revoked by id). */
  readonly revokedAt?: number | undefined;
  /** Why it was revoked: `sign_out`, `revoked`, `replaced`, or another event reason. */
  readonly revokedReason?: string | undefined;
  /** Set once the session's secret was rotated: SHA-256 of the secret it replaced, 32 bytes, a view as `secretHash` is. */
  readonly previousSecretHash?: Uint8Array | undefined;
  /** When the secret was last rotated (ms). */
  readonly rotatedAt?: number | undefined;
  /** Set with `rotatedAt`: random text the current secret was derived with from the previous one (22 base64url characters); never shown. A row with `rotatedAt` and without it is a `STORE_ERROR`. */
  readonly rotationSalt?: string | undefined;
  /** Set from the second rotation on: the SHA-256 digests of up to 31 secrets retired before the previous one, newest first, each in 43 base64url characters, end to end (at most 1,333: keep it whole); never shown. */
  readonly retiredSecretHashes?: string | undefined;
  /** Set when the user signed in through an identity provider: where the session came from. */
  readonly federated?: FederatedIdentity | undefined;
}

/** Where a session came from: the provider's issuer, the user's subject there and the provider's session id. */
export interface FederatedIdentity {
  /** The provider's issuer identifier (the ID token's `iss`), at most 512 characters. */
  readonly iss: string;
  /** The user's subject at that provider (the ID token's `sub`), at most 255 characters. */
  readonly sub: string;
  /** The provider's session id (the ID token's `sid`), when it sends one; at most 255 characters. */
  readonly sid?: string | undefined;
}

/** One entry of account activity: about a user, or (no `userId`, `tenantId` set) about a tenant. */
export interface ActivityRecord {
  /** Unique; ids sort as byte strings in write order. At most 64 characters of `[0-9A-Za-z._-]`. */
  readonly id: string;
  /** The user the entry is about; absent for a tenant's entry. */
  readonly userId?: string | undefined;
  /** The tenant: on a tenant's entry always, on a user's entry when the session had one. */
  readonly tenantId?: string | undefined;
  /** The event type, e.g. `session.created`, `session.revoked`, `user.session_invalidated`. */
  readonly type: string;
  /** When it happened (ms). */
  readonly at: number;
  /** Why, e.g. `sign_in`, `sign_out`, `password_changed`, `not_me`. */
  readonly reason: string;
  /** The session concerned, when there is one. */
  readonly sessionId?: string | undefined;
  /** The device, e.g. `"Chrome on Mac OS"`, when known. */
  readonly deviceLabel?: string | undefined;
  /** The client IP, after the manager's IP policy. */
  readonly ip?: string | undefined;
  /** Who acted, when it was not the user (an admin, a support agent, a job). */
  readonly by?: string | undefined;
}

/** Counts of one kind's rows (`stats`). */
export interface KindStats {
  /** Rows neither revoked on their own nor past `expiresAt` (epochs not applied). */
  readonly live: number;
  /** Tombstones not yet past `expiresAt`. */
  readonly revoked: number;
  /** Rows past `expiresAt`, waiting for `prune`. */
  readonly expired: number;
}

/**
 * The shard of a user, for stores with `shardsByUser`: 3 base64url characters of
 * SHA-256(userId), with which the manager starts every session id of that user.
 */
export function userBucket(userId: string): string {
  return createHash('sha256').update(userId).digest('base64url').slice(0, 3);
}
