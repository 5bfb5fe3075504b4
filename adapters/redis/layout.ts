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
 * <p>{b}:x               zset   the bucket's prune queue: "s <id> <userId>" -> expiresAt,
 *                               "d <id> <userId>" -> deny-list until
 * <p>{~}:due             zset   bucket -> lower bound of the earliest score in its queue
 * <p>{~}:ver             hash   bucket -> counter bumped after each write to its queue
 * <p>{~}:lock            string held by the instance that is pruning
 * <p>revocations                pub/sub channel, message = userId
 * ```
 *
 * A user id may hold any character: it always comes after the hash tag, and what follows the
 * last `:` of a key (one letter, or 40 hex digits for a device) says which key it is, so two
 * users' keys never collide and the tag is always the bucket.
 */
export interface Layout {
  readonly channel: string;
  readonly directory: { readonly due: string; readonly versions: string; readonly lock: string };
  session(bucket: string, sessionId: string): string;
  /** `<p>{b}:`, the prefix of every key of a bucket (the prune script builds keys from it). */
  bucketPrefix(bucket: string): string;
  /** `<p>{b}:s:`, the prefix scripts append a session id to. */
  sessionPrefix(bucket: string): string;
  /** `<p>{b}:u:`, the prefix scripts append `<userId>:<suffix>` to. */
  userPrefix(bucket: string): string;
  user(bucket: string, userId: string): UserKeys;
  queue(bucket: string): string;
}

/** The keys of one user. */
export interface UserKeys {
  readonly index: string;
  readonly epochs: string;
  readonly marks: string;
  readonly denied: string;
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

/** Builds the key names under `prefix` (already checked to hold no `{` or `}`). */
export function createLayout(prefix: string): Layout {
  const tag = (bucket: string): string => `${prefix}{${bucket}}:`;
  return {
    channel: `${prefix}revocations`,
    // `~` is not a base64url character, so the directory's slot is never a bucket's tag.
    directory: { due: `${prefix}{~}:due`, versions: `${prefix}{~}:ver`, lock: `${prefix}{~}:lock` },
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
        // Hashed: a deviceKey comes from a User-Agent header and may hold any character.
        device: (kind, deviceKey) => `${base}v:${hash('sha1', `${kind}\n${deviceKey}`, 'hex')}`,
      };
    },
    queue: (bucket) => `${tag(bucket)}x`,
  };
}
