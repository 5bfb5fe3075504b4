import { SessionError } from '../../src/errors.js';
import type { ActivityRecord, JsonValue, RevocationLinkRecord, SessionRecord } from '../../src/store.js';
import type { Cell, Literal, Row } from './connection.js';

/** The session columns, in the order and under the names {@link toRecord} reads. */
export const SESSION_COLUMNS = [
  'id', 'user_id', 'tenant_id', 'kind', 'secret_hash', 'created_at', 'last_used_at', 'expires_at', 'authenticated_at', 'persistent',
  'device_key', 'browser', 'os', 'device_type', 'user_agent', 'ip', 'data', 'impersonator_id', 'revoked_at', 'revoked_reason',
  'impersonator_session_id',
] as const;

/** The activity columns, in the order {@link activityValues} gives them. */
export const ACTIVITY_COLUMNS = 'id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor';

/** A session row. */
export function toRecord(row: Row): SessionRecord {
  return {
    id: text(row, 'id'),
    userId: text(row, 'user_id'),
    tenantId: optionalText(row, 'tenant_id'),
    kind: text(row, 'kind'),
    secretHash: Buffer.from(bytes(row, 'secret_hash')),
    createdAt: millis(row, 'created_at'),
    lastUsedAt: millis(row, 'last_used_at'),
    expiresAt: millis(row, 'expires_at'),
    authenticatedAt: millis(row, 'authenticated_at'),
    // Stored only when false; NULL is the default, answered as absent.
    persistent: row['persistent'] === null || row['persistent'] === undefined ? undefined : millis(row, 'persistent') === 0 ? false : undefined,
    deviceKey: optionalText(row, 'device_key'),
    browser: optionalText(row, 'browser'),
    os: optionalText(row, 'os'),
    deviceType: optionalText(row, 'device_type'),
    userAgent: optionalText(row, 'user_agent'),
    ip: optionalText(row, 'ip'),
    data: toData(optionalText(row, 'data')),
    impersonatorId: optionalText(row, 'impersonator_id'),
    impersonatorSessionId: optionalText(row, 'impersonator_session_id'),
    revokedAt: row['revoked_at'] === null ? undefined : millis(row, 'revoked_at'),
    revokedReason: optionalText(row, 'revoked_reason'),
  };
}

/** The values of an INSERT of {@link SESSION_COLUMNS}. */
export function sessionValues(r: SessionRecord): Literal[] {
  return [
    ...[r.id, r.userId, r.tenantId, r.kind].map(utf8),
    Buffer.from(r.secretHash),
    ...[r.createdAt, r.lastUsedAt, r.expiresAt, r.authenticatedAt, r.persistent === false ? 0 : null],
    ...[r.deviceKey, r.browser, r.os, r.deviceType, r.userAgent, r.ip, r.data === undefined ? undefined : JSON.stringify(r.data), r.impersonatorId].map(utf8),
    null,
    null,
    utf8(r.impersonatorSessionId),
  ];
}

/** An activity row. */
export function toActivity(row: Row): ActivityRecord {
  return {
    id: text(row, 'id'),
    userId: optionalText(row, 'user_id'),
    tenantId: optionalText(row, 'tenant_id'),
    type: text(row, 'type'),
    at: millis(row, 'at'),
    reason: text(row, 'reason'),
    sessionId: optionalText(row, 'session_id'),
    deviceLabel: optionalText(row, 'device_label'),
    ip: optionalText(row, 'ip'),
    by: optionalText(row, 'actor'),
  };
}

/** The values of an INSERT of {@link ACTIVITY_COLUMNS}. */
export function activityValues(e: ActivityRecord): Literal[] {
  return [...[e.id, e.userId, e.tenantId, e.type].map(utf8), e.at, ...[e.reason, e.sessionId, e.deviceLabel, e.ip, e.by].map(utf8)];
}

/** The columns of a revocation link row, for SELECT and INSERT lists. */
export const LINK_COLUMNS = 'id, secret_hash, user_id, session_id, expires_at, device_key, tenant_id';

/** A revocation link row. */
export function toLink(row: Row): RevocationLinkRecord {
  return {
    id: text(row, 'id'),
    secretHash: Buffer.from(bytes(row, 'secret_hash')),
    userId: text(row, 'user_id'),
    sessionId: text(row, 'session_id'),
    expiresAt: millis(row, 'expires_at'),
    // NULL in links of no known device.
    deviceKey: optionalText(row, 'device_key'),
    tenantId: optionalText(row, 'tenant_id'),
  };
}

/** Kind to epoch from rows of `key` and `epoch` columns, in a map with no prototype. */
export function epochsOf(rows: Iterable<Row>, key = 'kind', value = 'epoch'): Record<string, number> {
  // No prototype: a kind named `__proto__` is a key like any other.
  const epochs = Object.create(null) as Record<string, number>;
  for (const row of rows) epochs[text(row, key)] = millis(row, value);
  return epochs;
}

/**
 * Epochs from a `GROUP_CONCAT(HEX(kind), ':', epoch, ';')` column and its `<column>_count`:
 * kinds travel as hex, so no kind holds a separator. `undefined` when the server cut the list
 * at `group_concat_max_len` (fewer entries than counted, or the last one without its `;`: a
 * cut epoch would read as an older one), so the caller reads the epochs another way.
 */
export function hexEpochs(row: Row, column: string): Record<string, number> | undefined {
  // No prototype: a kind named `__proto__` is a key like any other.
  const epochs = Object.create(null) as Record<string, number>;
  const cell = row[column];
  const entries = cell === null || cell === undefined ? [] : bytes(row, column).toString('latin1').split(',');
  if (entries.length !== millis(row, `${column}_count`) || (entries.length > 0 && !entries.at(-1)!.endsWith(';'))) return undefined;
  for (const entry of entries) {
    const match = /^((?:[0-9A-F]{2})*):(\d+);$/.exec(entry);
    if (match === null) throw unexpected(`"hex:epoch;" entries in column ${column}`);
    epochs[Buffer.from(match[1]!, 'hex').toString('utf8')] = millis({ epoch: match[2]! }, 'epoch');
  }
  return epochs;
}

/** Text as the store sends it: its UTF-8 bytes, bound as binary (no charset conversion), or NULL. */
export function utf8(value: string | undefined): Buffer | null {
  return value === undefined ? null : Buffer.from(value, 'utf8');
}

/** A column that must hold text. */
export function text(row: Row, column: string): string {
  return bytes(row, column).toString('utf8');
}

/** A column of milliseconds (or a count): any of the driver's number forms, as a safe integer. */
export function millis(row: Row, column: string): number {
  const cell: Cell | undefined = row[column];
  const value = Buffer.isBuffer(cell) ? Number(cell.toString('latin1')) : typeof cell === 'number' || typeof cell === 'bigint' || typeof cell === 'string' ? Number(cell) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw unexpected(`an integer within Number.MAX_SAFE_INTEGER in column ${column}`);
  return value;
}

/** A text column that may be NULL, as `undefined` then. */
export function optionalText(row: Row, column: string): string | undefined {
  return row[column] === null || row[column] === undefined ? undefined : text(row, column);
}

function bytes(row: Row, column: string): Buffer {
  const cell = row[column];
  if (!Buffer.isBuffer(cell)) throw unexpected(`bytes in column ${column}`);
  return cell;
}

function toData(value: string | undefined): SessionRecord['data'] {
  if (value === undefined) return undefined;
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unexpected('a JSON object in column data');
  // Written by JSON.stringify of an object create accepted.
  return parsed as { readonly [key: string]: JsonValue };
}

function unexpected(what: string): SessionError {
  return new SessionError('STORE_ERROR', `MySQL session store read an unexpected row: expected ${what}.`);
}
