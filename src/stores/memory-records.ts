import type { NewSessionRecord, SessionRecord } from '../store.js';

// Copies in, copies out: nothing a caller holds is the store's own object.

/** A stored session: the record's fields, some of which change after `create`. */
export type Row = { -readonly [Field in keyof SessionRecord]: SessionRecord[Field] };

/** The row a create stores: a copy of the record, with the times the store chose. */
export function rowOf(record: NewSessionRecord, createdAt: number): Row {
  return {
    id: record.id,
    userId: record.userId,
    tenantId: record.tenantId,
    kind: record.kind,
    secretHash: new Uint8Array(record.secretHash),
    createdAt,
    expiresAt: createdAt + record.maxAge,
    lastUsedAt: createdAt,
    authenticatedAt: record.authenticatedAt,
    persistent: record.persistent,
    deviceKey: record.deviceKey,
    browser: record.browser,
    os: record.os,
    deviceType: record.deviceType,
    userAgent: record.userAgent,
    ip: record.ip,
    data: cloneData(record.data),
    impersonatorId: record.impersonatorId,
    impersonatorSessionId: record.impersonatorSessionId,
    revokedAt: undefined,
    revokedReason: undefined,
  };
}

/** A copy the caller may change freely: its own hash bytes and data. */
export function copyOf(row: Row): SessionRecord {
  // Field by field, every one named (a forgotten field fails to compile): cheaper than a spread.
  const copy: AllFields<SessionRecord> = {
    id: row.id,
    userId: row.userId,
    tenantId: row.tenantId,
    kind: row.kind,
    secretHash: new Uint8Array(row.secretHash),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    authenticatedAt: row.authenticatedAt,
    persistent: row.persistent,
    deviceKey: row.deviceKey,
    browser: row.browser,
    os: row.os,
    deviceType: row.deviceType,
    userAgent: row.userAgent,
    ip: row.ip,
    data: cloneData(row.data),
    impersonatorId: row.impersonatorId,
    impersonatorSessionId: row.impersonatorSessionId,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
  };
  return copy;
}

/** Every field of `T` required, so an object literal of this type names each one. */
type AllFields<T> = { [Field in keyof Required<T>]: T[Field] };

function cloneData(data: SessionRecord['data']): SessionRecord['data'] {
  return data === undefined ? undefined : structuredClone(data);
}

/** A prototype-free record of a map: `__proto__` or `constructor` is a key like any other. */
export function recordOf<Value>(map: ReadonlyMap<string, Value> | undefined): Record<string, Value> {
  const record = Object.create(null) as Record<string, Value>;
  for (const [key, value] of map ?? []) record[key] = value;
  return record;
}
