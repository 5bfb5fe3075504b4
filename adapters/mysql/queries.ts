import type { TableNames } from './options.js';
import { ACTIVITY_COLUMNS, SESSION_COLUMNS } from './rows.js';

/**
 * Reads that answer several things in one round trip are one UNION ALL of "parts": `part`
 * says what a row is, `k1`, `k2` and `n` carry an epoch (kind, tenant, time) or a deny-list
 * entry (session id, until), the session columns a session. MySQL cannot aggregate binary
 * keys into JSON, and this keeps every key as its bytes.
 */
export interface PartQueries {
  /** Session rows; `where` on alias `s`. */
  sessions(where: string): string;
  /** A user's epochs (`k1` kind, `n` epoch); `where` on alias `e`. */
  epochs(where: string): string;
  /** Tenant epochs (`k1` tenant, `k2` kind, `n` epoch); `where` on alias `x`. */
  tenants(where: string): string;
  /** Deny-list entries (`k1` session id, `n` until); `where` on alias `d`. */
  denied(where: string): string;
}

/** The part queries over one set of tables. */
export function partQueries(t: TableNames): PartQueries {
  const none = SESSION_COLUMNS.map((column) => `NULL AS ${column}`).join(', ');
  const session = SESSION_COLUMNS.map((column) => `s.${column}`).join(', ');
  // Epoch 0 is the row create writes to keep a high-water mark: no revocation yet.
  return {
    sessions: (where) => `SELECT 's' AS part, NULL AS k1, NULL AS k2, NULL AS n, ${session} FROM ${t.sessions} AS s WHERE ${where}`,
    epochs: (where) => `SELECT 'e' AS part, e.kind AS k1, NULL AS k2, e.epoch AS n, ${none} FROM ${t.epochs} AS e WHERE e.epoch > 0 AND ${where}`,
    tenants: (where) => `SELECT 't' AS part, x.tenant_id AS k1, x.kind AS k2, x.epoch AS n, ${none} FROM ${t.tenantEpochs} AS x WHERE x.epoch > 0 AND ${where}`,
    denied: (where) => `SELECT 'd' AS part, d.session_id AS k1, NULL AS k2, d.until AS n, ${none} FROM ${t.denied} AS d WHERE ${where}`,
  };
}

/** `?, ?, ?` for a list bound one value a placeholder. */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** An INSERT of activity entries, each row's values bound in {@link ACTIVITY_COLUMNS} order; a retried write keeps the entry there. */
export const activityInsert = (t: TableNames, count: number): string =>
  `INSERT INTO ${t.activity} (${ACTIVITY_COLUMNS}) VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
   ON DUPLICATE KEY UPDATE id = id`;

/** Deny-list entries (user id, session id, until), keeping the later end. */
export const denyInsert = (t: TableNames, count: number): string =>
  `INSERT INTO ${t.denied} (user_id, session_id, until) VALUES ${Array.from({ length: count }, () => '(?, ?, ?)').join(', ')}
   ON DUPLICATE KEY UPDATE until = GREATEST(until, VALUES(until))`;

/** Live (semantics 6) on alias `s` at time `?`: not revoked, not expired, after its tenant's epoch (the user's is bound separately). */
export const afterTenantEpoch = (t: TableNames): string =>
  `(s.tenant_id IS NULL OR s.created_at > COALESCE((SELECT x.epoch FROM ${t.tenantEpochs} AS x WHERE x.tenant_id = s.tenant_id AND x.kind = s.kind), 0))`;
