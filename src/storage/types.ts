import type { ActivityRecord, Epochs, FederatedIdentity, SessionRecord } from '../store-records.js';
import type { UserState } from '../store-writes.js';
import type { OthersScope } from '../rules/revoke-others.js';
import type { SessionLimit } from '../rules/sign-in.js';

export type { NewSessionRecord, SessionLimit } from '../rules/sign-in.js';

/** Options of a sign-in. */
export interface CreateOptions {
  /** End the live sessions of the same user, kind, tenant and device (`replaced`). */
  readonly replaceDevice: boolean;
  /** Deny-list end for every session the sign-in ends, at the latest (see `ending`). */
  readonly denyUntil?: number | undefined;
  readonly limit?: SessionLimit | undefined;
  /** The sign-in's activity entry; an entry per ended session follows it (`derivedActivityId`). */
  readonly activity?: ActivityRecord | undefined;
  /** The sign-in's device among the user's known devices, remembered in the same batch. */
  readonly deviceHash?: string | undefined;
  /** A credential change's: the session it ends (`reason`) and signs in again, with the user's sign-out everywhere, in this batch; `UNAUTHENTICATED`, nothing written, when that session had ended. */
  readonly replacing?: { readonly id: string; readonly reason: string; readonly raise: RevokeAllOptions } | undefined;
  /** The user's sessions the request presented, each with who ends it: ended as `sign_out` in this batch when live as read (unless `replaced`). */
  readonly presented?: readonly { readonly id: string; readonly by?: string | undefined }[] | undefined;
  /** Told, as a batch is sent (never past the deadline), what it answers if applied: a caller whose answer is lost learns what landed, when it did. */
  readonly onSend?: ((result: CreateResult) => void) | undefined;
}

/** What a sign-in stored and ended. */
export interface CreateResult {
  readonly session: SessionRecord;
  /** The rows ended as `replaced`, as read. */
  readonly replaced: readonly SessionRecord[];
  /** The rows ended as `session_limit`, as read. */
  readonly evicted: readonly SessionRecord[];
  /** Ids of `presented` ended as `sign_out`. */
  readonly signedOutIds: readonly string[];
  /** Whether its batch revoked anything (ended a session, raised epochs): what instances and watchers are told of. */
  readonly revoked: boolean;
  /** With `deviceHash`: the device's previous sign-in (ms), `null` for a device never seen. */
  readonly previousSighting?: number | null | undefined;
}

/** Options of revoking one session, or the others. */
export interface RevokeOptions {
  readonly at: number;
  /** Stored as `revokedReason`. */
  readonly reason: string;
  /** When set, the id goes on the user's deny-list until then (ms), or until its row's expiry if sooner (see `ending`). */
  readonly denyUntil?: number | undefined;
  /** Written in the same batch, when something is revoked (`revokeOthers`: always). */
  readonly activity?: ActivityRecord | undefined;
  /** The session's owner, when the caller read it already: one store read fewer. */
  readonly userId?: string | undefined;
  /** The caller judged the row live, then its own sign-out everywhere ended it: the row's own end is recorded all the same. */
  readonly afterOwnEpoch?: boolean | undefined;
}

/** Options of raising a user's or tenant's epochs. */
export interface RevokeAllOptions {
  /** Kinds whose epochs are raised. Never empty. */
  readonly kinds: readonly string[];
  /** `kinds: "all"`: every kind the owner has a high-water mark of (a session was stored of it) too. */
  readonly everyStoredKind?: boolean | undefined;
  readonly at: number;
  readonly activity?: ActivityRecord | undefined;
}

/** Options of "sign out my other devices", and of a tenant admin's sign-out of a user; `forgetDevice`: a known device's hash, its sighting set back to 0 in that batch. */
export type RevokeOthersOptions = RevokeOptions & OthersScope & { readonly activityOf?: ((row: SessionRecord) => ActivityRecord | undefined) | undefined; readonly forgetDevice?: string | undefined };

/** A rotated secret: the successor to hand the client, and the row as it now is. */
export interface RotatedSecret {
  /** The successor secret (the token's part after the dot). */
  readonly secret: string;
  readonly session: SessionRecord;
}

/** Options of ending a session whose retired secret was presented after the grace. */
export interface ReusedOptions extends RevokeOptions {
  /** The kind's grace (ms): the presentation must be at or past `rotatedAt + rotationGrace`. */
  readonly rotationGrace: number;
}

/** A user's rows (tombstones and expired ones included) and the epochs they are judged against. */
export type UserSessions = Pick<UserState, 'sessions' | 'epochs'> & Partial<Pick<UserState, 'tenantEpochs' | 'highWater'>>;

/** What access-token verification reads about a user; `tenantEpochs`: the token's tenant's, when asked with one. */
export type RevocationState = Pick<UserState, 'epochs' | 'denied'> & { readonly tenantEpochs?: Epochs | undefined };

/** A "This wasn't me" link: only the hash of its secret is kept. */
export interface RevocationLinkRecord {
  /** 22 base64url characters. */
  readonly id: string;
  /** SHA-256 of the link token's secret part. */
  readonly secretHash: Uint8Array;
  readonly userId: string;
  readonly sessionId: string;
  /** After this (ms) the link is refused. */
  readonly expiresAt: number;
  /** The device key (browser and OS) the link signs out, when known. */
  readonly deviceKey?: string | undefined;
  /** The known device (browser, OS and network) the link makes new again, so its next sign-in alerts. */
  readonly deviceHash?: string | undefined;
}

/** A device a user signed in from. */
export interface KnownDevice {
  /** The hash of browser, OS and network (43 base64url characters). */
  readonly deviceHash: string;
  readonly lastSeenAt: number;
}

/** A session's federated origin. */
export interface FederatedLink extends FederatedIdentity, Pick<SessionRecord, 'tenantId'> {
  readonly sessionId: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/** Which federated sessions to find: by provider session, provider user, or local user. */
export type FederatedQuery =
  | { readonly by: 'sid'; readonly iss: string; readonly sid: string }
  | { readonly by: 'sub'; readonly iss: string; readonly sub: string }
  | { readonly by: 'user'; readonly userId: string };
