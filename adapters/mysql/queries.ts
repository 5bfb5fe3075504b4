import type { ActivityRecord, Epochs } from '../../src/store.js';
import { RowsChanged, type Connection } from './connection.js';
import type { TableNames } from './options.js';
import { ACTIVITY_COLUMNS, activityValues, epochsOf, SESSION_COLUMNS, utf8 } from './rows.js';

/**
 * Reads that answer several things in one round trip are one UNION ALL of "parts": `part` says
 * what a row is (`s` a session on alias `s`; `e` a user's epoch on alias `e`, `k1` kind; `t` a
 * tenant's epoch on alias `x`, `k1` tenant, `k2` kind; `d` a deny-list entry on alias `d`, `k1`
 * session id), `n` the epoch or the end. MySQL cannot aggregate binary keys into JSON; this
 * keeps every key as its bytes. Each function takes the part's WHERE condition.
 */
export function partQueries(t: TableNames) {
  const none = SESSION_COLUMNS.map((column) => `NULL AS ${column}`).join(', ');
  const session = SESSION_COLUMNS.map((column) => `s.${column}`).join(', ');
  // Epoch 0 is the row create writes to keep a high-water mark: no revocation yet.
  return {
    sessions: (where: string) => `SELECT 's' AS part, NULL AS k1, NULL AS k2, NULL AS n, ${session} FROM ${t.sessions} AS s WHERE ${where}`,
    epochs: (where: string) => `SELECT 'e' AS part, e.kind AS k1, NULL AS k2, e.epoch AS n, ${none} FROM ${t.epochs} AS e WHERE e.epoch > 0 AND ${where}`,
    tenants: (where: string) => `SELECT 't' AS part, x.tenant_id AS k1, x.kind AS k2, x.epoch AS n, ${none} FROM ${t.tenantEpochs} AS x WHERE x.epoch > 0 AND ${where}`,
    denied: (where: string) => `SELECT 'd' AS part, d.session_id AS k1, NULL AS k2, d.until AS n, ${none} FROM ${t.denied} AS d WHERE ${where}`,
  };
}

/** `(?, ?), (?, ?)`: `count` rows of `width` placeholders (`width` 1: `?, ?` for an IN list). */
export const placeholders = (count: number, width = 1): string =>
  Array.from({ length: count }, () => (width === 1 ? '?' : `(${Array.from({ length: width }, () => '?').join(', ')})`)).join(', ');

/** Writes the activity entries given (one statement, however many); a retried write keeps the entry there. */
export async function insertActivity(connection: Connection, t: TableNames, given: readonly (ActivityRecord | undefined)[]): Promise<void> {
  const entries = given.filter((entry) => entry !== undefined);
  if (entries.length === 0) return;
  await connection.writeInline(`INSERT INTO ${t.activity} (${ACTIVITY_COLUMNS}) VALUES ${placeholders(entries.length, 10)} ON DUPLICATE KEY UPDATE id = id`, entries.flatMap(activityValues));
}

/** Deny-list entries of the user's sessions until `until`, keeping a later end already there. */
export async function deny(connection: Connection, t: TableNames, userId: string, ids: readonly string[], until: number | undefined): Promise<void> {
  if (until === undefined || ids.length === 0) return;
  await connection.writeInline(`INSERT INTO ${t.denied} (user_id, session_id, until) VALUES ${placeholders(ids.length, 3)} ON DUPLICATE KEY UPDATE until = GREATEST(until, ?)`, [
    ...ids.flatMap((id) => [utf8(userId), utf8(id), until]),
    until,
  ]);
}

/**
 * Makes tombstones of sessions a plain read found live. When another connection revoked or
 * deleted one of them in between, throws {@link RowsChanged}: the transaction runs again and
 * reads afresh, so the ids answered are exactly those this call revoked.
 */
export async function tombstone(connection: Connection, t: TableNames, ids: readonly string[], at: number, reason: string): Promise<readonly string[]> {
  if (ids.length === 0) return ids;
  const matched = await connection.writeInline(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id IN (${placeholders(ids.length)}) AND revoked_at IS NULL`, [
    at,
    utf8(reason),
    ...ids.map(utf8),
  ]);
  if (matched !== ids.length) throw new RowsChanged();
  return ids;
}

/** On alias `s`: created after its tenant's epoch, or without a tenant (the user's epoch is judged apart). */
export const afterTenantEpoch = (t: TableNames): string =>
  `(s.tenant_id IS NULL OR s.created_at > COALESCE((SELECT x.epoch FROM ${t.tenantEpochs} AS x WHERE x.tenant_id = s.tenant_id AND x.kind = s.kind), 0))`;

/**
 * Raises each kind's epoch of one user (or tenant) to max(epoch, at, high-water mark): one
 * upsert, kinds in sorted order so two raises lock rows in the same order. Answers the kinds' epochs.
 */
export async function raise(connection: Connection, table: string, key: string, id: string, kinds: readonly string[], at: number): Promise<Epochs> {
  const sorted = [...new Set(kinds)].sort().map(utf8);
  await connection.writeInline(`INSERT INTO ${table} (${key}, kind, epoch, high_water) VALUES ${placeholders(sorted.length, 4)} ON DUPLICATE KEY UPDATE epoch = GREATEST(epoch, ?, high_water)`, [
    ...sorted.flatMap((kind) => [utf8(id), kind, at, 0]),
    at,
  ]);
  return epochsOf(await connection.rowsInline(`SELECT kind, epoch FROM ${table} WHERE ${key} = ? AND kind IN (${placeholders(sorted.length)})`, [utf8(id), ...sorted]));
}

/**
 * One prune batch: at most `size` rows with `column <= bound`, oldest first through the
 * column's index, as a READ COMMITTED transaction of its own that locks only the rows it deletes.
 */
export const pruneBatch = (connection: Connection, table: string, column: string, bound: number, size: number): Promise<number> =>
  connection.transaction(() => connection.writeInline(`DELETE FROM ${table} WHERE ${column} <= ? ORDER BY ${column} LIMIT ?`, [bound, size]));
