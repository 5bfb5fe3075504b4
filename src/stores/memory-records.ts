import type { SessionRecord } from '../store.js';

/** A stored session: the record's fields, some of which change after it is put. */
export type Row = { -readonly [Field in keyof SessionRecord]: SessionRecord[Field] };

/** A copy the caller may change freely: its own data, and hashes that own their bytes, or for an answer pooled Buffers (node:crypto compares those fastest). */
export function copyOf(row: SessionRecord, to: 'kept' | 'answer'): Row {
  const kept = to === 'kept';
  const copy: AllFields<Row> = { // every field named, so a forgotten one fails to compile
    id: row.id,
    userId: row.userId,
    tenantId: row.tenantId,
    kind: row.kind,
    secretHash: kept ? new Uint8Array(row.secretHash) : Buffer.from(row.secretHash),
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
    data: row.data === undefined ? undefined : structuredClone(row.data),
    impersonatorId: row.impersonatorId,
    impersonatorSessionId: row.impersonatorSessionId,
    impersonatorEpochs: row.impersonatorEpochs === undefined ? undefined : { ...row.impersonatorEpochs },
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
    previousSecretHash: row.previousSecretHash === undefined ? undefined : kept ? new Uint8Array(row.previousSecretHash) : Buffer.from(row.previousSecretHash),
    rotatedAt: row.rotatedAt,
    rotationSalt: row.rotationSalt,
    retiredSecretHashes: row.retiredSecretHashes,
    federated: row.federated === undefined ? undefined : { ...row.federated },
  };
  return copy;
}

/** Every field of `T` required, so an object literal of this type names each one. */
type AllFields<T> = { [Field in keyof Required<T>]: T[Field] };

/** A prototype-free record of a map: `__proto__` or `constructor` is a key like any other. */
export function recordOf<Value>(map: ReadonlyMap<string, Value> | undefined): Record<string, Value> {
  const record = Object.create(null) as Record<string, Value>;
  for (const [key, value] of map ?? []) record[key] = value;
  return record;
}
