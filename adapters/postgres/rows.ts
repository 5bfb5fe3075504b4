import { SessionError } from '../../src/errors.js';
import type { ActivityRecord, Epochs, JsonValue, RevocationLinkRecord, SessionRecord } from '../../src/store.js';
import type { TextRow } from './connection.js';

/** A session row as `queries.ts` selects it, every column as text. */
export function toRecord(row: TextRow): SessionRecord {
  return {
    id: required(row, 'id'),
    userId: required(row, 'user_id'),
    tenantId: optional(row, 'tenant_id'),
    kind: required(row, 'kind'),
    secretHash: Buffer.from(required(row, 'secret_hash'), 'hex'),
    createdAt: toMillis(required(row, 'created_at')),
    lastUsedAt: toMillis(required(row, 'last_used_at')),
    expiresAt: toMillis(required(row, 'expires_at')),
    deviceKey: optional(row, 'device_key'),
    browser: optional(row, 'browser'),
    os: optional(row, 'os'),
    deviceType: optional(row, 'device_type'),
    userAgent: optional(row, 'user_agent'),
    ip: optional(row, 'ip'),
    data: toData(optional(row, 'data')),
    revokedAt: toOptionalMillis(optional(row, 'revoked_at')),
    revokedReason: optional(row, 'revoked_reason'),
    authenticatedAt: toMillis(required(row, 'authenticated_at')),
    // Stored only when false; NULL (and true) is the default, answered as absent.
    persistent: optional(row, 'persistent') === 'f' ? false : undefined,
    // NULL on every session but a support one.
    impersonatorId: optional(row, 'impersonator_id'),
    impersonatorSessionId: optional(row, 'impersonator_session_id'),
  };
}

/** An activity row as `queries.ts` selects it. */
export function toActivity(row: TextRow): ActivityRecord {
  return {
    id: required(row, 'id'),
    userId: optional(row, 'user_id'),
    tenantId: optional(row, 'tenant_id'),
    type: required(row, 'type'),
    at: toMillis(required(row, 'at')),
    reason: required(row, 'reason'),
    sessionId: optional(row, 'session_id'),
    deviceLabel: optional(row, 'device_label'),
    ip: optional(row, 'ip'),
    by: optional(row, 'actor'),
  };
}

/**
 * An activity entry as the statements read it (`jsonb_to_record` with the contract's field
 * names), or `null` for none. Only the contract's fields are sent, whatever else the object
 * carries.
 */
export function activityJson(entry: ActivityRecord | undefined): string | null {
  return entry === undefined ? null : JSON.stringify(activityFields(entry));
}

/** Several entries as one JSON array, for `jsonb_to_recordset`. */
export function activityListJson(entries: readonly ActivityRecord[]): string {
  return JSON.stringify(entries.map(activityFields));
}

/** A revocation link row as `queries.ts` returns it. */
export function toLink(row: TextRow): RevocationLinkRecord {
  return {
    id: required(row, 'id'),
    secretHash: Buffer.from(required(row, 'secret_hash'), 'hex'),
    userId: required(row, 'user_id'),
    sessionId: required(row, 'session_id'),
    expiresAt: toMillis(required(row, 'expires_at')),
    // NULL in links of no known device.
    deviceKey: optional(row, 'device_key'),
    tenantId: optional(row, 'tenant_id'),
  };
}

/** A `json_object_agg(tenant, json_object_agg(kind, bigint))` column: NULL is an empty map. */
export function toNestedNumberMap(text: string | null | undefined): Readonly<Record<string, Epochs>> {
  // No prototype: a tenant named `__proto__` is a key like any other.
  const map: Record<string, Epochs> = Object.create(null) as Record<string, Epochs>;
  if (text === null || text === undefined) return map;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unexpected('a JSON object of epochs');
  for (const [key, value] of Object.entries(parsed)) map[key] = numberMapOf(value);
  return map;
}

/** A `json_object_agg(key, bigint)` column: NULL (no rows) is an empty map. */
export function toNumberMap(text: string | null | undefined): Epochs {
  if (text === null || text === undefined) return Object.create(null) as Record<string, number>;
  return numberMapOf(JSON.parse(text));
}

function numberMapOf(parsed: unknown): Epochs {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unexpected('a JSON object of numbers');
  // No prototype: a kind named `__proto__` is a key like any other.
  const map: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'number') throw unexpected('a JSON object of numbers');
    map[key] = value;
  }
  return map;
}

/** A column that must hold a value, of a row that must exist. */
export function requiredText(row: TextRow | undefined, column: string): string {
  if (row === undefined) throw unexpected('a row');
  return required(row, column);
}

/** A JSON array of strings (`json_agg` of ids). */
export function toStringList(text: string | null | undefined): string[] {
  if (text === null || text === undefined) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw unexpected('a JSON array of strings');
  return parsed;
}

/** A bigint column of milliseconds. Values up to 2^53 round-trip exactly. */
export function toMillis(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw unexpected(`milliseconds within Number.MAX_SAFE_INTEGER, got ${text}`);
  return value;
}

/**
 * Caps text to `max` characters as PostgreSQL counts them (code points), so the record the
 * store returns from create is exactly what a later read sees.
 */
export function capText(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value.length <= max) return value;
  const points = Array.from(value);
  return points.length <= max ? value : points.slice(0, max).join('');
}

function activityFields(entry: ActivityRecord): Record<string, string | number | undefined> {
  return {
    id: entry.id,
    userId: entry.userId,
    tenantId: entry.tenantId,
    type: entry.type,
    at: entry.at,
    reason: entry.reason,
    sessionId: entry.sessionId,
    deviceLabel: entry.deviceLabel,
    ip: entry.ip,
    by: entry.by,
  };
}

function toOptionalMillis(text: string | undefined): number | undefined {
  return text === undefined ? undefined : toMillis(text);
}

function toData(text: string | undefined): SessionRecord['data'] {
  if (text === undefined) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  // jsonb holds JSON only, and create accepts objects only.
  return parsed as { readonly [key: string]: JsonValue };
}

function required(row: TextRow, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw unexpected(`a value in column ${column}`);
  return value;
}

function optional(row: TextRow, column: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' ? value : undefined;
}

function unexpected(what: string): SessionError {
  return new SessionError('STORE_ERROR', `PostgreSQL session store read an unexpected row: expected ${what}.`);
}
