import type { ActivityRecord, Epochs, FederatedIdentity, KindStats, SessionRecord } from '../store-records.js';
import type { SessionLookup } from '../store.js';
import type { ListActivityOptions, PruneOptions, RevocationNotice } from '../store-writes.js';
import type { NewSessionRecord, SessionLimit } from '../rules/sign-in.js';

export type { NewSessionRecord, SessionLimit } from '../rules/sign-in.js';

/** Options of a sign-in. */
export interface CreateOptions {
  /** End the live sessions of the same user, kind, tenant and device (`replaced`). */
  readonly replaceDevice: boolean;
  /** Deny-list end for every session the sign-in ends, at the latest (see `ending`). */
  readonly denyUntil?: number | undefined;
  readonly limit?: SessionLimit | undefined;
  /** The sign-in's activity entry; an entry per ended session follows it (`<id>.<i>`). */
  readonly activity?: ActivityRecord | undefined;
  /** The sign-in's device among the user's known devices, remembered in the same batch. */
  readonly deviceHash?: string | undefined;
}

/** What a sign-in stored and ended. */
export interface CreateResult {
  readonly session: SessionRecord;
  /** Ids ended as `replaced`. */
  readonly replacedIds: readonly string[];
  /** Ids ended as `session_limit`. */
  readonly evictedIds: readonly string[];
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

/** Options of "sign out my other devices". */
export interface RevokeOthersOptions extends RevokeOptions {
  readonly keepSessionId: string;
  readonly kinds: readonly string[];
}

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

/** A user's rows and the epochs they are judged against. */
export interface UserSessions {
  /** Every row, tombstones and expired ones included. */
  readonly sessions: readonly SessionRecord[];
  readonly epochs: Epochs;
  /** Each row's tenant's epochs, by tenant id. */
  readonly tenantEpochs?: Readonly<Record<string, Epochs>> | undefined;
}

/** What access-token verification reads about a user. */
export interface RevocationState {
  readonly epochs: Epochs;
  /** Session id to "deny until" (ms). */
  readonly denied: Readonly<Record<string, number>>;
  /** The token's tenant's epochs, when asked with one. */
  readonly tenantEpochs?: Epochs | undefined;
}

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
  readonly tenantId?: string | undefined;
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
export interface FederatedLink extends FederatedIdentity {
  readonly sessionId: string;
  readonly userId: string;
  readonly expiresAt: number;
}

/** Which federated sessions to find: by provider session, provider user, or local user. */
export type FederatedQuery =
  | { readonly by: 'sid'; readonly iss: string; readonly sid: string }
  | { readonly by: 'sub'; readonly iss: string; readonly sub: string }
  | { readonly by: 'user'; readonly userId: string };

/**
 * The operations the manager runs on its store, each decided once over the store contract. `due`, where taken,
 * is the caller's deadline (`performance.now()` ms, from the manager's store calls): past it no batch is sent.
 */
export interface StoreOperations {
  /** Signs in: decides the birth time, replacement and cap, then writes it all in one batch. */
  create(record: NewSessionRecord, options: CreateOptions, due?: number): Promise<CreateResult>;
  get(sessionId: string): Promise<SessionLookup | null>;
  touch(sessionId: string, at: number): Promise<boolean>;
  reauthenticate(sessionId: string, at: number): Promise<boolean>;
  /** Ends one session; the record as it was, or `null` when missing or already revoked. */
  revoke(sessionId: string, options: RevokeOptions, due?: number): Promise<SessionRecord | null>;
  /** Rotates a session's secret once (`src/storage/rotate.ts`); `null` when it cannot. */
  rotate(userId: string, sessionId: string, presented: string, at: number, due?: number): Promise<RotatedSecret | null>;
  /** Ends a session whose retired secret was presented past the grace; the row as it was, or `null`. */
  revokeReused(userId: string, sessionId: string, presented: string, options: ReusedOptions, due?: number): Promise<SessionRecord | null>;
  /** Raises the user's epochs to cover every session of the kinds. */
  revokeAll(userId: string, options: RevokeAllOptions, due?: number): Promise<Epochs>;
  /** Ends every live session of the kinds but one. */
  revokeOthers(userId: string, options: RevokeOthersOptions, due?: number): Promise<readonly string[]>;
  /** Raises a tenant's epochs to cover every session of the kinds in it. */
  revokeTenant(tenantId: string, options: RevokeAllOptions, due?: number): Promise<Epochs>;
  listByUser(userId: string): Promise<UserSessions>;
  /** The user's epochs and deny-list (and a tenant's epochs). */
  getRevocationState(userId: string, tenantId?: string): Promise<RevocationState>;
  /** Deletes the user's rows, deny-list, devices, activity, links, and takes it off its provider identities' keys (at `now`); the number of rows deleted. */
  eraseUser(userId: string, now: number, due?: number): Promise<number>;
  prune(options: PruneOptions): Promise<number>;
  /** Sessions signed in through a provider, live by `expiresAt > now`. */
  findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]>;
  /** Claims a one-time key until `until`, holding `value` (default `"1"`): `true` the first time (of concurrent calls, one). */
  claimKey(key: string, until: number, value?: string): Promise<boolean>;
  /** A key's value, expired or not; `undefined` for none. */
  keyValue(key: string): Promise<string | undefined>;
  /** Puts a key's value until `until`, whether or not it has a row. */
  putKey(key: string, value: string, until: number): Promise<void>;
  /** Activity entries that record no revocation. */
  appendActivity?(entries: readonly ActivityRecord[]): Promise<void>;
  listActivity?(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;
  listDevices?(userId: string): Promise<readonly KnownDevice[]>;
  /** Makes a device new again (seen at 0, pruned as any old sighting): its next sign-in is a new device's. */
  forgetDevice?(userId: string, deviceHash: string): Promise<void>;
  saveRevocationLink?(link: RevocationLinkRecord): Promise<void>;
  /** Uses a link once: the link, or `null` (unknown, used, expired, wrong secret). */
  consumeRevocationLink?(id: string, secretHash: Uint8Array, now: number, due?: number): Promise<RevocationLinkRecord | null>;
  subscribe?(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  stats?(now: number): Promise<Readonly<Record<string, KindStats>>>;
  readonly callTimeout?: number | undefined;
  /** The prefix of a new session id of the user (sharded stores). */
  sessionIdPrefix?(userId: string): string;
  close(): Promise<void>;
}
