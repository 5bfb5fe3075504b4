import { hash } from 'node:crypto';

/**
 * Key names. Every key of one user, and every session of that user, carries the same hash
 * tag `{bucket}`, where the bucket is 3 base64url characters of SHA-256(userId) and also the
 * first 3 characters of each of the user's session ids. So a script can start from a session
 * id alone, read the session, learn its user and read that user's epochs on the same Redis
 * Cluster slot, in one round trip.
 *
 * ```
 * <p>{b}:s:<sessionId>   hash   one session (see codec.ts), PEXPIREAT a day past its expiry
 * <p>{b}:u:<userId>:s    zset   the user's session ids by expiresAt
 * <p>{b}:u:<userId>:e    hash   kind -> revocation epoch (never expires)
 * <p>{b}:u:<userId>:h    hash   kind -> high-water mark (newest createdAt seen)
 * <p>{b}:u:<userId>:v:<h> set    ids of one device's sessions, h = SHA-1(kind + "\n" + deviceKey)
 * <p>{b}:u:<userId>:d    zset   deny-list: session id -> until
 * <p>{b}:u:<userId>:a    zset   activity entry ids, all scored 0 (so ordered by id, byte by byte)
 * <p>{b}:u:<userId>:A    hash   activity entry id -> the entry as JSON
 * <p>{b}:u:<userId>:at   zset   activity entry id -> at (what prune reads)
 * <p>{b}:u:<userId>:k    zset   known devices: device hash -> last seen
 * <p>{b}:u:<userId>:l    zset   the user's revocation link ids -> expiresAt (for eraseUser)
 * <p>{l}:l:<linkId>      hash   one revocation link (h, u, s, e, and dk, t when it has them), {l} =
 *                               the link id's first 3 characters, like a session id's bucket
 * <p>{b}:x               zset   the bucket's prune queue: "s <id> <userId>" -> expiresAt,
 *                               "d <id> <userId>" -> deny-list until, "l <id> -" -> a link's expiresAt
 * <p>{b}:y               zset   owners with activity: "u:<userId>" or "t:<tenantId>" -> earliest at
 * <p>{b}:w               zset   owners with known devices: "u:<userId>" -> earliest last seen
 * <p>{~T}:t:<tenantId>:e hash   the tenant's kind -> epoch (never expires), T = 4 hex digits
 *                               of SHA-1(tenantId)
 * <p>{~T}:t:<tenantId>:h hash   the tenant's kind -> high-water mark
 * <p>{~T}:t:<tenantId>:a, :A, :at   the tenant's own activity entries, as a user's
 * <p>{~}:due             zset   bucket -> lower bound of the earliest score in its queue x
 * <p>{~}:ver             hash   bucket -> counter bumped after each write to its queue x
 * <p>{~}:ady, {~}:aver          the same for the activity queues y
 * <p>{~}:vdy, {~}:vver          the same for the device queues w
 * <p>{~}:lock            string held by the instance that is pruning
 * <p>revocations                pub/sub channel, message = userId, or "\0t" + tenantId for
 *                               a tenant (a user id never holds NUL: the manager refuses it)
 * ```
 *
 * A tenant's keys carry their own tag `{~T}`: a tenant's users are spread over every bucket,
 * so no bucket could hold them. `~` is not a base64url character, so the tag is never a
 * user's bucket nor the directory's `{~}`. On a single server (or Sentinel) scripts reach them
 * together with a user's keys; on Redis Cluster they sit on another slot, which the store
 * reaches by a separate command.
 *
 * A user id may hold any character: it always comes after the hash tag, and what follows the
 * last `:` of a key (one letter, or 40 hex digits for a device) says which key it is, so two
 * users' keys never collide and the tag is always the bucket.
 */
export interface Layout {
  readonly channel: string;
  /** The store's key prefix, for scripts that build a tenant's key names themselves. */
  readonly prefix: string;
  readonly directory: { readonly due: string; readonly versions: string; readonly lock: string };
  /** The directories of the activity (`a`) and device (`v`) queues: same shape as the main one. */
  readonly lanes: { readonly a: Directory; readonly v: Directory };
  session(bucket: string, sessionId: string): string;
  /** `<p>{b}:`, the prefix of every key of a bucket (the prune script builds keys from it). */
  bucketPrefix(bucket: string): string;
  /** `<p>{b}:s:`, the prefix scripts append a session id to. */
  sessionPrefix(bucket: string): string;
  /** `<p>{b}:u:`, the prefix scripts append `<userId>:<suffix>` to. */
  userPrefix(bucket: string): string;
  user(bucket: string, userId: string): UserKeys;
  tenant(tenantId: string): TenantKeys;
  /** A revocation link's hash, or `undefined` for an id no link of this store can have. */
  link(linkId: string): string | undefined;
  queue(bucket: string): string;
  /** The bucket's queue of owners with activity entries. */
  activityQueue(bucket: string): string;
  /** The bucket's queue of users with known devices. */
  deviceQueue(bucket: string): string;
}

/** A prune directory: bucket -> due score, bucket -> version. */
export interface Directory {
  readonly due: string;
  readonly versions: string;
}

/** The keys of an owner of activity entries (a user or a tenant). */
export interface ActivityKeys {
  /** The bucket (hash tag) the owner's keys carry. */
  readonly bucket: string;
  /** `u:<userId>` or `t:<tenantId>`: the owner's member in its bucket's activity queue. */
  readonly owner: string;
  /** `<p>{b}:u:<userId>:`: scripts append `a`, `A`, `at` to it. */
  readonly base: string;
}

/** The keys of one tenant. */
export interface TenantKeys extends ActivityKeys {
  /** kind -> epoch. */
  readonly epochs: string;
  /** kind -> high-water mark. */
  readonly marks: string;
}

/** The keys of one user. */
export interface UserKeys {
  readonly index: string;
  readonly epochs: string;
  readonly marks: string;
  readonly denied: string;
  /** Known devices: device hash -> last seen. */
  readonly devices: string;
  /** The user's revocation link ids -> expiresAt. */
  readonly links: string;
  /** The user as an owner of activity entries. */
  readonly activity: ActivityKeys;
  /** The set of session ids of one device (kind + deviceKey) of this user. */
  device(kind: string, deviceKey: string): string;
}

/** Characters of the bucket: 18 bits, 262,144 buckets spread over Redis Cluster's 16,384 slots. */
export const BUCKET_LENGTH = 3;

const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{3,64}$/;

/** The bucket of a user: a pure function of the user id, as `sessionIdPrefix` must be. */
export function bucketOfUser(userId: string): string {
  return hash('sha256', userId, 'base64url').slice(0, BUCKET_LENGTH);
}

/**
 * The bucket of a session id, or `undefined` for an id no session of this store can have
 * (the store only accepts base64url ids that start with their user's bucket).
 */
export function bucketOfSession(sessionId: unknown): string | undefined {
  if (typeof sessionId !== 'string' || !SESSION_ID_SHAPE.test(sessionId)) return undefined;
  return sessionId.slice(0, BUCKET_LENGTH);
}

/** Whether `sessionId` is an id this store can keep for `userId`. */
export function isSessionIdOf(sessionId: string, userId: string): boolean {
  return bucketOfSession(sessionId) === bucketOfUser(userId);
}

/** The hash tag of a tenant's keys: `~` and 4 hex digits of SHA-1 (scripts compute it with `redis.sha1hex`). */
export function bucketOfTenant(tenantId: string): string {
  return `~${hash('sha1', tenantId, 'hex').slice(0, 4)}`;
}

/** Builds the key names under `prefix` (already checked to hold no `{` or `}`). */
export function createLayout(prefix: string): Layout {
  const tag = (bucket: string): string => `${prefix}{${bucket}}:`;
  return {
    channel: `${prefix}revocations`,
    prefix,
    // `~` is not a base64url character, so the directory's slot is never a bucket's tag.
    directory: { due: `${prefix}{~}:due`, versions: `${prefix}{~}:ver`, lock: `${prefix}{~}:lock` },
    lanes: {
      a: { due: `${prefix}{~}:ady`, versions: `${prefix}{~}:aver` },
      v: { due: `${prefix}{~}:vdy`, versions: `${prefix}{~}:vver` },
    },
    session: (bucket, sessionId) => `${tag(bucket)}s:${sessionId}`,
    bucketPrefix: tag,
    sessionPrefix: (bucket) => `${tag(bucket)}s:`,
    userPrefix: (bucket) => `${tag(bucket)}u:`,
    user(bucket, userId) {
      const base = `${tag(bucket)}u:${userId}:`;
      return {
        index: `${base}s`,
        epochs: `${base}e`,
        marks: `${base}h`,
        denied: `${base}d`,
        devices: `${base}k`,
        links: `${base}l`,
        activity: { bucket, owner: `u:${userId}`, base },
        // Hashed: a deviceKey comes from a User-Agent header and may hold any character.
        device: (kind, deviceKey) => `${base}v:${hash('sha1', `${kind}\n${deviceKey}`, 'hex')}`,
      };
    },
    tenant(tenantId) {
      const bucket = bucketOfTenant(tenantId);
      const base = `${tag(bucket)}t:${tenantId}:`;
      return { bucket, owner: `t:${tenantId}`, base, epochs: `${base}e`, marks: `${base}h` };
    },
    link(linkId) {
      const bucket = bucketOfSession(linkId);
      return bucket === undefined ? undefined : `${tag(bucket)}l:${linkId}`;
    },
    queue: (bucket) => `${tag(bucket)}x`,
    activityQueue: (bucket) => `${tag(bucket)}y`,
    deviceQueue: (bucket) => `${tag(bucket)}w`,
  };
}
