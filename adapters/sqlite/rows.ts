import type { ActivityRecord, Epochs, RevocationLinkRecord, SessionRecord } from '../../src/store.js';

/** One row of the sessions table as better-sqlite3 returns it. */
export interface SessionRow {
  readonly id: string;
  readonly user_id: string;
  readonly tenant_id: string | null;
  readonly kind: string;
  readonly secret_hash: Buffer;
  readonly created_at: number;
  readonly expires_at: number;
  readonly last_used_at: number;
  readonly device_key: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly device_type: string | null;
  readonly user_agent: string | null;
  readonly ip: string | null;
  readonly data: string | null;
  readonly revoked_at: number | null;
  readonly revoked_reason: string | null;
  /** NULL in rows written before the column existed (or by an older version still running): created_at. */
  readonly authenticated_at: number | null;
  /** 0 for a session-only cookie; NULL (persistent) otherwise. */
  readonly persistent: number | null;
  /** Set on a support session; NULL otherwise (and in rows an older version wrote). */
  readonly impersonator_id: string | null;
  /** The admin's own session that started a support session; NULL otherwise (and in rows an older version wrote). */
  readonly impersonator_session_id: string | null;
}

/** A session row with its user's and its tenant's epochs as JSON objects (the one-statement read). */
export interface SessionRowWithEpochs extends SessionRow {
  readonly epochs: string;
  /** `{}` when the row has no tenant or the tenant was never revoked. */
  readonly tenant_epochs: string;
}

/** One row of the activity table. */
export interface ActivityRow {
  readonly id: string;
  readonly user_id: string | null;
  readonly tenant_id: string | null;
  readonly type: string;
  readonly at: number;
  readonly reason: string;
  readonly session_id: string | null;
  readonly device_label: string | null;
  readonly ip: string | null;
  readonly by: string | null;
}

/** One row of the revocation links table. */
export interface LinkRow {
  readonly id: string;
  readonly secret_hash: Buffer;
  readonly user_id: string;
  readonly session_id: string;
  readonly expires_at: number;
  readonly device_key: string | null;
  readonly tenant_id: string | null;
}

/** The columns of a session row, in table order, for SELECT and RETURNING lists. */
export const SESSION_COLUMNS =
  'id, user_id, tenant_id, kind, secret_hash, created_at, expires_at, last_used_at, device_key, browser, os, ' +
  'device_type, user_agent, ip, data, revoked_at, revoked_reason, authenticated_at, persistent, impersonator_id, impersonator_session_id';

/** The columns of an activity row, for SELECT lists. */
export const ACTIVITY_COLUMNS = 'id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, by';

// NULL must read back as undefined: the manager treats any defined `revokedAt` as revoked.
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** A row as the contract's record; the hash Buffer is the row's own copy. */
export function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tenantId: optional(row.tenant_id),
    kind: row.kind,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    authenticatedAt: row.authenticated_at ?? row.created_at,
    persistent: row.persistent === 0 ? false : undefined,
    deviceKey: optional(row.device_key),
    browser: optional(row.browser),
    os: optional(row.os),
    deviceType: optional(row.device_type),
    userAgent: optional(row.user_agent),
    ip: optional(row.ip),
    data: row.data === null ? undefined : parseData(row.data),
    impersonatorId: optional(row.impersonator_id),
    impersonatorSessionId: optional(row.impersonator_session_id),
    revokedAt: optional(row.revoked_at),
    revokedReason: optional(row.revoked_reason),
  };
}

/** An activity row as the contract's entry. */
export function toActivity(row: ActivityRow): ActivityRecord {
  return {
    id: row.id,
    userId: optional(row.user_id),
    tenantId: optional(row.tenant_id),
    type: row.type,
    at: row.at,
    reason: row.reason,
    sessionId: optional(row.session_id),
    deviceLabel: optional(row.device_label),
    ip: optional(row.ip),
    by: optional(row.by),
  };
}

/** An entry as the named parameters of the activity insert (NULL for what it lacks). */
export function activityParams(entry: ActivityRecord): ActivityRow {
  return {
    id: entry.id,
    user_id: entry.userId ?? null,
    tenant_id: entry.tenantId ?? null,
    type: entry.type,
    at: entry.at,
    reason: entry.reason,
    session_id: entry.sessionId ?? null,
    device_label: entry.deviceLabel ?? null,
    ip: entry.ip ?? null,
    by: entry.by ?? null,
  };
}

/** A link row as the contract's record. */
export function toLink(row: LinkRow): RevocationLinkRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    userId: row.user_id,
    sessionId: row.session_id,
    expiresAt: row.expires_at,
    deviceKey: optional(row.device_key),
    tenantId: optional(row.tenant_id),
  };
}

/** `data` is stored as the JSON text the manager already checked to be a JSON object. */
export function parseData(text: string): SessionRecord['data'] {
  return JSON.parse(text) as SessionRecord['data'];
}

/** The JSON object built by `json_group_object(kind, epoch)`. */
export function parseEpochs(text: string): Epochs {
  return JSON.parse(text) as Epochs;
}

/** A Uint8Array as a Buffer over the same memory (better-sqlite3 binds Buffers as BLOBs). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
