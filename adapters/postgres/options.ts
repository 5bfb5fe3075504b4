import { SessionError } from '../../src/errors.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE, tableNames, type TableNames } from './identifiers.js';
import type { PostgresPool } from './types.js';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The app's pool, `new pg.Pool(...)`. The store checks a client out per operation and gives
   * it back; it never ends the pool. While anyone subscribes to revocations (the manager does
   * when access tokens are on), one client stays checked out in `LISTEN`.
   */
  readonly pool: PostgresPool;
  /**
   * Schema holding the tables; `migrate()` creates it. Lower-case letters, digits and `_`.
   * @default "session_revocation"
   */
  readonly schema?: string;
  /**
   * Sessions table name; the epochs and deny-list tables are `<table>_epochs` and
   * `<table>_denied`. Lower-case letters, digits and `_`, at most 40 characters.
   * @default "sessions"
   */
  readonly table?: string;
  /**
   * Deadline in ms of every store operation, waiting for a pooled client included. Past it the
   * call rejects with `STORE_UNAVAILABLE`, the client is closed rather than reused, and the
   * statement is cancelled on the server; transactions also carry it as `SET LOCAL
   * statement_timeout`. `migrate()` has no deadline (it may wait for another instance).
   * @default 2_000
   */
  readonly statementTimeout?: number;
  /**
   * Whether the store offers `subscribe` (PostgreSQL LISTEN), so managers drop cached epochs
   * the moment any instance revokes. Revocations are always published with `pg_notify`.
   * @default true
   */
  readonly listen?: boolean;
}

/** Options after defaults and checks. */
export interface ResolvedPostgresOptions {
  readonly pool: PostgresPool;
  readonly names: TableNames;
  readonly statementTimeout: number;
  readonly listen: boolean;
}

/** The largest value PostgreSQL accepts for statement_timeout (ms). */
const MAX_TIMEOUT = 2_147_483_647;

/**
 * Applies defaults and checks the options.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a missing pool, bad names or timeout.
 */
export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  if (typeof options !== 'object' || options === null || typeof options.pool?.connect !== 'function') {
    throw new SessionError('INVALID_CONFIGURATION', 'postgresStore needs { pool }: a pg.Pool (npm install pg).');
  }
  const statementTimeout = options.statementTimeout ?? 2_000;
  if (!Number.isInteger(statementTimeout) || statementTimeout < 1 || statementTimeout > MAX_TIMEOUT) {
    throw new SessionError('INVALID_CONFIGURATION', `postgresStore: statementTimeout must be a whole number of ms from 1 to ${MAX_TIMEOUT}.`);
  }
  return {
    pool: options.pool,
    names: tableNames(options.schema ?? DEFAULT_SCHEMA, options.table ?? DEFAULT_TABLE),
    statementTimeout,
    listen: options.listen ?? true,
  };
}
