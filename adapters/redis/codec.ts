import type { ActivityRecord, Epochs, JsonValue, NewSessionRecord, SessionRecord } from '../../src/store.js';
import { malformedReply } from './errors.js';

// A session hash keeps as separate fields only what the scripts read or write: u (userId),
// k (kind), c, e, l (createdAt, expiresAt, lastUsedAt, written by the create script), a
// (authenticatedAt, only when it is not createdAt: a missing one reads as createdAt), ra, rr
// (revocation), t (tenantId, on rows with a tenant: validation reads the tenant's epochs by it;
// also kept in p, where processes of the previous version read it). Everything else is written once and only read back whole, so it travels as
// one JSON field, p: validation reads the hash inside a script on every request, and each
// field costs Redis a Lua string there, about as much as the rest of the call.
interface Packed {
  /** SHA-256 of the secret, base64: the hash is binary, base64 keeps it plain text everywhere. */
  h: string;
  t?: string;
  dk?: string;
  br?: string;
  os?: string;
  dt?: string;
  ua?: string;
  ip?: string;
  d?: { readonly [key: string]: JsonValue };
  /** `false` for a session-only cookie; absent means persistent. */
  pe?: false;
  /** impersonatorId. */
  im?: string;
  /** impersonatorSessionId. */
  is?: string;
}

/** The field/value pairs the create script stores besides the times it computes. */
export function encodeFields(record: NewSessionRecord): string[] {
  const packed: Packed = {
    h: Buffer.from(record.secretHash).toString('base64'),
    t: record.tenantId,
    dk: record.deviceKey,
    br: record.browser,
    os: record.os,
    dt: record.deviceType,
    ua: record.userAgent,
    ip: record.ip,
    d: record.data,
    pe: record.persistent === false ? false : undefined,
    im: record.impersonatorId,
    is: record.impersonatorSessionId,
  };
  // JSON.stringify leaves out the undefined ones: absent stays absent.
  const fields = ['u', record.userId, 'k', record.kind, 'p', JSON.stringify(packed)];
  if (record.tenantId !== undefined) fields.push('t', record.tenantId);
  return fields;
}

/** A reply element as text: clients answer strings, or Buffers when set to return bytes. */
export function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw malformedReply(what);
}

/** A reply element that must be an array. */
export function list(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw malformedReply(what);
}

/** A decimal number from a reply (integers from Lua arrive as numbers, fields as strings). */
export function numeric(value: unknown, what: string): number {
  const parsed = typeof value === 'number' ? value : Number(text(value, what));
  if (!Number.isFinite(parsed)) throw malformedReply(what);
  return parsed;
}

/** `[field, value, field, value, ...]` (HGETALL as Lua sees it) to a map. */
export function pairs(flat: unknown, what: string): Map<string, string> {
  const items = list(flat, what);
  const map = new Map<string, string>();
  for (let index = 0; index + 1 < items.length; index += 2) map.set(text(items[index], what), text(items[index + 1], what));
  return map;
}

/** Epochs from `[kind, epoch, ...]`. */
export function decodeEpochs(flat: unknown): Epochs {
  // No prototype: a kind named `__proto__` or `constructor` is a key like any other.
  const epochs: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [kind, value] of pairs(flat, 'epochs')) epochs[kind] = numeric(value, 'epochs');
  return epochs;
}

/** A session row from its hash fields (read in place: this runs on every validated request). */
export function decodeSession(id: string, flat: unknown): SessionRecord {
  const items = list(flat, 'a session');
  const fields: Record<string, string | undefined> = {};
  for (let index = 0; index + 1 < items.length; index += 2) fields[text(items[index], 'a session')] = text(items[index + 1], 'a session');
  const { u, k, c, e, l, a, p, ra, rr, t } = fields;
  if (u === undefined || k === undefined || c === undefined || e === undefined || l === undefined || p === undefined) {
    throw malformedReply('a session (a field is missing)');
  }
  const packed = JSON.parse(p) as Packed;
  const createdAt = numeric(c, 'a session');
  return {
    id,
    userId: u,
    tenantId: t ?? packed.t,
    kind: k,
    secretHash: Buffer.from(packed.h, 'base64'),
    createdAt,
    expiresAt: numeric(e, 'a session'),
    lastUsedAt: numeric(l, 'a session'),
    authenticatedAt: a === undefined ? createdAt : numeric(a, 'a session'),
    persistent: packed.pe,
    deviceKey: packed.dk,
    browser: packed.br,
    os: packed.os,
    deviceType: packed.dt,
    userAgent: packed.ua,
    ip: packed.ip,
    data: packed.d,
    impersonatorId: packed.im,
    impersonatorSessionId: packed.is,
    revokedAt: ra === undefined ? undefined : numeric(ra, 'a session'),
    revokedReason: rr,
  };
}

/** An activity entry as stored (JSON of the record's defined fields only). */
export function encodeActivity(entry: ActivityRecord): string {
  const { id, userId, tenantId, type, at, reason, sessionId, deviceLabel, ip, by } = entry;
  return JSON.stringify({ id, userId, tenantId, type, at, reason, sessionId, deviceLabel, ip, by });
}

const OPTIONAL_TEXT = ['userId', 'tenantId', 'sessionId', 'deviceLabel', 'ip', 'by'] as const;

/** An activity entry read back: its shape is checked, so a damaged entry is an error, not a record. */
export function decodeActivity(value: unknown): ActivityRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(value, 'an activity entry'));
  } catch {
    throw malformedReply('an activity entry');
  }
  if (typeof parsed !== 'object' || parsed === null) throw malformedReply('an activity entry');
  const raw = parsed as Record<string, unknown>;
  if (typeof raw.id !== 'string' || typeof raw.type !== 'string' || typeof raw.reason !== 'string' || typeof raw.at !== 'number' || !Number.isFinite(raw.at)) {
    throw malformedReply('an activity entry');
  }
  const entry: Record<string, unknown> = { id: raw.id, type: raw.type, at: raw.at, reason: raw.reason };
  for (const name of OPTIONAL_TEXT) {
    const field = raw[name];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') throw malformedReply('an activity entry');
    entry[name] = field;
  }
  return entry as unknown as ActivityRecord;
}
