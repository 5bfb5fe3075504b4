import { hash } from 'node:crypto';
import { parseJson } from '../../src/parse-json.js';
import { userBucket } from '../../src/store-records.js';
import type { ActivityRecord, Epochs, SessionRecord } from '../../src/store.js';
import { malformedReply } from './errors.js';

/**
 * Key names. `<p>` is the prefix, `{b}` a hash tag: a user's bucket, which the user's session ids start with.
 * ```
 * <p>{b}:s:<sessionId>   hash   p (the row as JSON), um (user's base), tm (tenant's hash), e, l, a, r, rr
 * <p>{b}:u:<userId>:m    hash   v (version), e:<kind> (epochs), h:<kind> (high-water marks)
 * <p>{b}:u:<userId>:s    set    the user's session keys
 * <p>{b}:u:<userId>:d|k  zset   deny-list (session id -> until), devices (hash -> last seen)
 * <p>{b}:u:<userId>:K    zset   keys put with this user -> expiresAt (for erase)
 * <p>{b}:u:<userId>:a|A|at      activity: ids by id (zset, score 0), JSON by id (hash), at by id (zset)
 * <p>{~T}:t:<tenantId>:m hash   v, e:<kind>, h:<kind> (high-water marks); T = 4 hex of SHA-1
 * <p>{~T}:t:<tenantId>:a|A|at   the tenant's own activity
 * <p>{b}:k:<key>         hash   v, val, e (expiresAt), u (a one-time key; b = userBucket(key))
 * <p>{b}:x|y|w           zset   the bucket's prune queues (now, activity, devices): member -> due
 * <p>{~}:x|y|w           zset   queue key -> lower bound of its earliest due; {~}:v hash queue -> version
 * ```
 * What follows the last `:` of a user's or tenant's key names it, so any id text is safe.
 */
export type Layout = ReturnType<typeof createLayout>;

/** The hash tag of a key name (the prefix holds no braces). */
export const tagOf = (key: string): string => key.slice(key.indexOf('{'), key.indexOf('}') + 1);

/** The bucket of a session: its id's first 3 characters, as the manager makes them. */
export const bucketOfSession = (sessionId: string): string => (/^[\w-]{3}/.test(sessionId) ? sessionId.slice(0, 3) : userBucket(sessionId));

/** Builds the key names under `prefix`. */
export function createLayout(prefix: string) {
  const tag = (bucket: string): string => `${prefix}{${bucket}}:`;
  return {
    channel: `${prefix}revocations`,
    lock: `${prefix}{~}:lock`,
    versions: `${prefix}{~}:v`,
    directory: (lane: string): string => `${prefix}{~}:${lane}`,
    session: (sessionId: string): string => `${tag(bucketOfSession(sessionId))}s:${sessionId}`,
    user: (userId: string): string => `${tag(userBucket(userId))}u:${userId}:`,
    tenant: (tenantId: string): string => `${tag(`~${hash('sha1', tenantId, 'hex').slice(0, 4)}`)}t:${tenantId}:`,
    key: (key: string): string => `${tag(userBucket(key))}k:${key}`,
    /** The queue, in `lane`, of the bucket of `key` (any key name of the store). */
    queue: (key: string, lane: 'x' | 'y' | 'w'): string => `${prefix}${tagOf(key)}:${lane}`,
  };
}

/** The session row's fields as stored: everything set once as JSON in `p`, the times apart. */
export function encodeSession(session: SessionRecord, userBase: string, tenantMeta: string | undefined): string[] {
  const { lastUsedAt, authenticatedAt, revokedAt, revokedReason, ...fixed } = session;
  const previous = session.previousSecretHash === undefined ? {} : { previousSecretHash: Buffer.from(session.previousSecretHash).toString('base64') };
  const fields = ['p', JSON.stringify({ ...fixed, ...previous, secretHash: Buffer.from(session.secretHash).toString('base64') }), 'um', userBase];
  fields.push('e', String(session.expiresAt), 'l', String(lastUsedAt), 'a', String(authenticatedAt));
  if (tenantMeta !== undefined) fields.push('tm', tenantMeta);
  if (revokedAt !== undefined) fields.push('r', String(revokedAt), 'rr', revokedReason ?? '');
  return fields;
}

/** A row from `[p, l, a, r, rr]` as the scripts answer it (r, rr nil when not revoked). */
export function decodeSession(reply: unknown): SessionRecord {
  const [p, l, a, r, rr] = list(reply, 'a session');
  // Completed in place: a spread with fields after it is a slow copy in V8, on every validation.
  const row = parse(p, 'a session');
  for (const name of ['secretHash', 'previousSecretHash']) if (row[name] !== undefined) row[name] = Buffer.from(String(row[name]), 'base64');
  row.lastUsedAt = numeric(l, 'a session');
  row.authenticatedAt = numeric(a, 'a session');
  if (r !== null && r !== undefined && r !== false) {
    row.revokedAt = numeric(r, 'a session');
    row.revokedReason = text(rr, 'a session');
  }
  return row as unknown as SessionRecord;
}

export function decodeActivity(value: unknown): ActivityRecord {
  const entry = parse(value, 'an activity entry') as unknown as ActivityRecord;
  if (typeof entry.id !== 'string' || typeof entry.type !== 'string' || typeof entry.at !== 'number') throw malformedReply('an activity entry');
  return entry;
}

function parse(value: unknown, what: string): Record<string, unknown> {
  const parsed = parseJson(text(value, what));
  if (typeof parsed !== 'object' || parsed === null) throw malformedReply(what);
  return parsed as Record<string, unknown>;
}

/** `[name, value, ...]` (HGETALL, ZRANGE WITHSCORES) as a Map. */
export function pairs(flat: unknown): Map<string, unknown> {
  const items = list(flat, 'a hash');
  const map = new Map<string, unknown>();
  for (let index = 0; index + 1 < items.length; index += 2) map.set(text(items[index], 'a hash'), items[index + 1]);
  return map;
}

/** A hash's `prefix`-named fields (`e:` epochs, `h:` high-water marks) as a prototype-free record. */
export function fieldsOf(flat: unknown, prefix: string): Record<string, number> {
  const found = Object.create(null) as Record<string, number>;
  for (const [name, value] of pairs(flat)) if (name.startsWith(prefix)) found[name.slice(prefix.length)] = numeric(value, 'a hash');
  return found;
}

/** The version field of an owner's hash (0 when absent). */
export const versionOf = (flat: unknown): number => numeric(pairs(flat).get('v') ?? 0, 'a version');

/** Epochs: the `e:` fields of a user's or tenant's hash. */
export const epochsOf = (flat: unknown): Epochs => fieldsOf(flat, 'e:');

/** A reply element as text: clients answer strings, or Buffers when set to return bytes. */
export function text(value: unknown, what: string): string {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.toString();
  throw malformedReply(what);
}

export function list(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw malformedReply(what);
  return value;
}

// Decimal text only: `Number()` would read '' or ' ' as 0, and a garbled epoch as "never revoked".
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A number from a reply (Lua integers arrive as numbers, fields as decimal strings). */
export function numeric(value: unknown, what: string): number {
  const written = typeof value === 'number' ? undefined : text(value, what);
  const parsed = written === undefined ? (value as number) : DECIMAL.test(written) ? Number(written) : Number.NaN;
  if (!Number.isFinite(parsed)) throw malformedReply(what);
  return parsed;
}
