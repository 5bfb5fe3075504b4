import { duration, invalidConfiguration as invalid, optionsObject } from '../../src/option-checks.js';
import type { Names } from '../sql/index.js';
import type { MysqlPool } from './types.js';

/** Options of {@link mysqlStore}. */
export interface MysqlStoreOptions {
  /**
   * The app's `mysql2/promise` pool (`mysql.createPool(...)`), on MariaDB 10.6 or later (tested
   * on 10.11) or MySQL 8 (written for it, not tested here). The store checks a connection out
   * per operation and gives it back; it never ends the pool and changes no setting of its
   * connections. Their `autocommit` must be on, the server's default, and stay on: the store
   * checks each connection the first time it uses it and refuses with `INVALID_CONFIGURATION`.
   */
  readonly pool: MysqlPool;
  /**
   * Prefix of the store's table names (`<prefix>sessions`, `<prefix>owners`, `<prefix>epochs`,
   * `<prefix>high_water`, `<prefix>denied`, `<prefix>devices`, `<prefix>activity`, `<prefix>keys`,
   * `<prefix>schema`), in the pool's database. Lower-case letters, digits and `_`, starting
   * with a letter or `_`, at most 48 characters (table names stay lower case on every
   * `lower_case_table_names` setting, and within MySQL's 64).
   * @default "session_revocation_"
   */
  readonly prefix?: string;
  /**
   * Deadline in ms of every store operation, waiting for a pooled connection included. Past it
   * the call rejects with `STORE_UNAVAILABLE`, the connection is closed rather than reused, and
   * the store asks the server to `KILL` it so its locks go at once. `migrate()` has no deadline.
   * @default 2_000
   */
  readonly statementTimeout?: number;
}

/** Options after defaults and checks. */
export interface ResolvedMysqlOptions {
  readonly pool: MysqlPool;
  readonly names: TableNames;
  readonly statementTimeout: number;
}

/** Quoted table names of one prefix, for the shared SQL. */
export interface TableNames extends Names {
  readonly prefix: string;
}

/** The prefix of the table names unless the options name another. */
export const DEFAULT_PREFIX = 'session_revocation_';
// Spliced into SQL text (identifiers cannot be bound), so only a plain identifier; lower case
// because table names are file names on some servers and case-folded on others.
const PREFIX_SHAPE = /^(?:[a-z_][a-z0-9_]{0,47})?$/;
const KNOWN_OPTIONS = ['pool', 'prefix', 'statementTimeout'];

/**
 * Applies defaults and checks the options.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * pool, a bad prefix or a bad timeout.
 */
export function resolveMysqlOptions(options: MysqlStoreOptions): ResolvedMysqlOptions {
  if (typeof options === 'object' && options !== null && isCallbackPool(options.pool)) {
    throw invalid('mysqlStore needs a promise pool: pass pool.promise(), or create it with createPool from "mysql2/promise".');
  }
  if (typeof options !== 'object' || options === null || !isPool(options.pool)) {
    throw invalid('mysqlStore needs { pool }: a mysql2/promise pool (npm install mysql2, then mysql.createPool(...) from "mysql2/promise").');
  }
  optionsObject('mysqlStore() options', options, KNOWN_OPTIONS);
  return {
    pool: options.pool,
    names: tableNames(options.prefix ?? DEFAULT_PREFIX),
    statementTimeout: duration('mysqlStore: statementTimeout', options.statementTimeout, 2_000, { min: 1, max: 2_147_483_647 }),
  };
}

/**
 * Validates the prefix and derives every table name from it.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a plain lower-case identifier.
 */
export function tableNames(prefix: unknown): TableNames {
  if (typeof prefix !== 'string' || !PREFIX_SHAPE.test(prefix)) {
    throw invalid(`mysqlStore: prefix must be 0-48 characters of a-z, 0-9 and _, not starting with a digit (got ${JSON.stringify(prefix)}).`);
  }
  // MySQL names an index within its table.
  return { prefix, table: (name) => `\`${prefix}${name}\``, index: (name) => `\`${name}\`` };
}

function isPool(value: unknown): value is MysqlPool {
  return typeof value === 'object' && value !== null && typeof (value as Partial<MysqlPool>).getConnection === 'function';
}

// The callback pool of plain `mysql2` has getConnection too, but it never resolves a promise.
function isCallbackPool(value: unknown): boolean {
  return isPool(value) && typeof (value as { promise?: unknown }).promise === 'function';
}
