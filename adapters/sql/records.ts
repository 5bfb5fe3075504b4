import type { ActivityRecord, SessionRecord } from '../../src/store.js';

/** A value as a driver answers it: text may arrive as bytes (MySQL), numbers as text (PostgreSQL) or bigint. */
export type Cell = string | number | bigint | Uint8Array | null | undefined;
/** A row by column name. */
export type Row = Readonly<Record<string, Cell>>;
/** A value bound to a placeholder. */
export type SqlValue = string | number | null;

/** A cell as text. */
export const text = (cell: Cell): string => (cell instanceof Uint8Array ? Buffer.from(cell).toString('utf8') : String(cell));
/** A cell as a number (ms, versions, counts). */
export const num = (cell: Cell): number => Number(cell instanceof Uint8Array ? text(cell) : cell);
/** A cell that may be NULL, as text or `undefined`. */
export const optionalText = (cell: Cell): string | undefined => (cell === null || cell === undefined ? undefined : text(cell));
/** An object without a prototype: ids and kinds are data (`__proto__` included). */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** A session as the `insert` statement's values: the queried columns, the rest as JSON in `record`. */
export function sessionValues(session: SessionRecord): SqlValue[] {
  const { id, userId, tenantId, kind, expiresAt, lastUsedAt, authenticatedAt, revokedAt, revokedReason, secretHash, previousSecretHash, ...rest } = session;
  const previous = previousSecretHash === undefined ? undefined : base64url(previousSecretHash);
  const record = JSON.stringify({ ...rest, secretHash: base64url(secretHash), previousSecretHash: previous });
  return [id, userId, tenantId ?? null, kind, expiresAt, lastUsedAt, authenticatedAt, revokedAt ?? null, revokedReason ?? null, record];
}

/** A session from a row of `get` or `readUser` (columns `a`..`d`, `n1`..`n4`, `record`). */
export function sessionOf(row: Row, userId: string): SessionRecord {
  type Stored = Omit<SessionRecord, 'secretHash' | 'previousSecretHash'> & { secretHash: string; previousSecretHash?: string };
  const { secretHash, previousSecretHash, ...rest } = JSON.parse(text(row['record'])) as Stored;
  const session: Record<string, unknown> = {
    ...rest,
    id: text(row['a']),
    userId,
    tenantId: optionalText(row['b']),
    kind: text(row['c']),
    secretHash: bytes(secretHash),
    expiresAt: num(row['n1']),
    lastUsedAt: num(row['n2']),
    authenticatedAt: num(row['n3']),
  };
  if (row['n4'] !== null && row['n4'] !== undefined) Object.assign(session, { revokedAt: num(row['n4']), revokedReason: optionalText(row['d']) });
  if (previousSecretHash !== undefined) session['previousSecretHash'] = bytes(previousSecretHash);
  if (session['tenantId'] === undefined) delete session['tenantId'];
  return session as unknown as SessionRecord;
}

const base64url = (hash: Uint8Array): string => Buffer.from(hash).toString('base64url');
const bytes = (encoded: string): Uint8Array => Buffer.from(encoded, 'base64url');

/** An activity entry as the `activity` statement's values; its owner is its user, else its tenant. */
export function activityValues(entry: ActivityRecord): SqlValue[] {
  return [entry.id, entry.userId ?? null, entry.userId === undefined ? (entry.tenantId ?? null) : null, entry.at, JSON.stringify(entry)];
}

/** An activity entry from its stored JSON. */
export const activityOf = (row: Row): ActivityRecord => JSON.parse(text(row['entry'])) as ActivityRecord;
