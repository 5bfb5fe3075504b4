import type BetterSqlite3 from 'better-sqlite3';
import { duration, invalidConfiguration as invalid, MAX_TIMER_DELAY, optionsObject } from '../../src/option-checks.js';

/** Options both forms of {@link SqliteStoreOptions} share. */
export interface SqliteStoreCommonOptions {
  /**
   * Prefix of the store's table names (`<prefix>sessions`, `<prefix>meta`...), so the store can share
   * the app's database. Lower-case letters, digits and `_`, not starting with a digit, at most 48 characters.
   * @default "session_revocation_"
   */
  readonly tablePrefix?: string;
  /**
   * How long (ms) a write waits for another connection's lock before failing with `STORE_UNAVAILABLE`;
   * also the longest a call may block the event loop. With `database`, unset keeps the connection's own.
   * @default 5000
   */
  readonly busyTimeout?: number;
}

/** {@link sqliteStore} opening (and later closing) a database file itself. */
export interface SqliteFileStoreOptions extends SqliteStoreCommonOptions {
  /** Path of the database file, created when missing; `":memory:"` for a private in-memory database. */
  readonly filename: string;
  /** Not with `filename`: the store opens its own connection. */
  readonly database?: undefined;
}

/** {@link sqliteStore} on a better-sqlite3 connection the app opened and keeps owning. */
export interface SqliteDatabaseStoreOptions extends SqliteStoreCommonOptions {
  /** An open, writable better-sqlite3 connection. The store never closes it. */
  readonly database: BetterSqlite3.Database;
  /** Not with `database`: the app's connection already names its file. */
  readonly filename?: undefined;
}

/** Options of {@link sqliteStore}: a `filename` to open, or a `database` already open. */
export type SqliteStoreOptions = SqliteFileStoreOptions | SqliteDatabaseStoreOptions;

export const DEFAULT_TABLE_PREFIX = 'session_revocation_';
/** better-sqlite3's own default, kept so both forms behave alike. */
export const DEFAULT_BUSY_TIMEOUT = 5_000;
// Spliced into SQL text (identifiers cannot be bound), so only a plain identifier; lower case, as SQLite's names ignore case (`Auth_` is `auth_`).
const PREFIX_SHAPE = /^[a-z_][a-z0-9_]{0,47}$/;

/** Checks what can be checked before touching the database; `busyTimeout` stays undefined when not given. */
export function resolveOptions(options: SqliteStoreOptions) {
  if (typeof options !== 'object' || options === null) throw invalid('sqliteStore() needs { filename } or { database }.');
  optionsObject('sqliteStore() options', options, ['filename', 'database', 'tablePrefix', 'busyTimeout']);
  const hasFile = options.filename !== undefined;
  const hasDatabase = options.database !== undefined;
  if (hasFile === hasDatabase) throw invalid('sqliteStore() needs exactly one of { filename } or { database }.');
  if (hasFile && typeof options.filename !== 'string') throw invalid('sqliteStore(): filename must be a string.');
  if (hasDatabase && typeof options.database?.prepare !== 'function') throw invalid('sqliteStore(): database must be a better-sqlite3 Database.');
  if (hasDatabase && options.database?.readonly === true) throw invalid('sqliteStore(): database was opened read-only ({ readonly: true }); the store needs a writable connection.');
  const tablePrefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof tablePrefix !== 'string' || !PREFIX_SHAPE.test(tablePrefix)) throw invalid('sqliteStore(): tablePrefix must be lower-case letters, digits and "_", start with a letter or "_", and be at most 48 characters.');
  const busyTimeout = options.busyTimeout === undefined ? undefined : duration('sqliteStore(): busyTimeout', options.busyTimeout, 0, { min: 0, max: MAX_TIMER_DELAY });
  return { tablePrefix, busyTimeout };
}
