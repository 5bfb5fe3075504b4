import { duration, invalidConfiguration as invalid, MAX_TIMER_DELAY, optionsObject } from '../../src/option-checks.js';
import type { Names } from '../sql/index.js';
import type { MysqlPool } from './types.js';

/** Options of {@link mysqlStore}. */
export interface MysqlStoreOptions {
  /**
   * The app's `mysql2/promise` pool, on MariaDB 10.6+ or MySQL 8. The store never ends it nor changes
   * its connections' settings; their `autocommit` must stay on (the default), else `INVALID_CONFIGURATION`.
   */
  readonly pool: MysqlPool;
  /**
   * Prefix of the store's table names (`<prefix>sessions`, `<prefix>schema`...) in the pool's database:
   * lower-case letters, digits and `_`, not starting with a digit, at most 48 characters.
   * @default "session_revocation_"
   */
  readonly prefix?: string;
  /**
   * Deadline in ms of every operation, waiting for a connection included: past it the call rejects with
   * `STORE_UNAVAILABLE` and the connection is `KILL`ed, so its locks go. `migrate()` has none.
   * @default 2_000
   */
  readonly statementTimeout?: number;
}

/** Quoted table names of one prefix, for the shared SQL. */
export interface TableNames extends Names {
  readonly prefix: string;
}

/** The prefix of the table names by default. */
export const DEFAULT_PREFIX = 'session_revocation_';
// Spliced into SQL text, so a plain identifier; lower case, as table names are case-folded on some servers.
const PREFIX_SHAPE = /^(?:[a-z_][a-z0-9_]{0,47})?$/;

/** Applies defaults and checks the options (`INVALID_CONFIGURATION`). */
export function resolveMysqlOptions(options: MysqlStoreOptions) {
  if (typeof options === 'object' && options !== null && isCallbackPool(options.pool)) {
    throw invalid('mysqlStore needs a promise pool: pass pool.promise(), or create it with createPool from "mysql2/promise".');
  }
  if (typeof options !== 'object' || options === null || !isPool(options.pool)) {
    throw invalid('mysqlStore needs { pool }: a mysql2/promise pool (npm install mysql2, then mysql.createPool(...) from "mysql2/promise").');
  }
  optionsObject('mysqlStore() options', options, ['pool', 'prefix', 'statementTimeout']);
  return {
    pool: options.pool,
    names: tableNames(options.prefix ?? DEFAULT_PREFIX),
    statementTimeout: duration('mysqlStore: statementTimeout', options.statementTimeout, 2_000, { min: 1, max: MAX_TIMER_DELAY }),
  };
}

/** Checks the prefix and derives every table name from it. */
export function tableNames(prefix: unknown): TableNames {
  if (typeof prefix !== 'string' || !PREFIX_SHAPE.test(prefix)) {
    throw invalid(`mysqlStore: prefix must be 0-48 characters of a-z, 0-9 and _, not starting with a digit (got ${JSON.stringify(prefix)}).`);
  }
  // MySQL names an index within its table.
  return { prefix, table: (name) => `\`${prefix}${name}\``, index: (name) => `\`${name}\`` };
}

const isPool = (value: unknown): value is MysqlPool => typeof value === 'object' && value !== null && typeof (value as Partial<MysqlPool>).getConnection === 'function';
// The callback pool of plain `mysql2` has getConnection too, but it never resolves a promise.
const isCallbackPool = (value: unknown): boolean => isPool(value) && typeof (value as { promise?: unknown }).promise === 'function';
