import { boolean, duration, invalidConfiguration as invalid, MAX_TIMER_DELAY, optionsObject } from '../../src/option-checks.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE, tableNames } from './names.js';
import type { PostgresJsSql, PostgresPool } from './types.js';

/** A client the store accepts: a node-postgres `pg.Pool` or a postgres.js `postgres(...)` client. */
export type PostgresClient = PostgresPool | PostgresJsSql;

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The app's client: `new pg.Pool(...)` or postgres.js `postgres(...)` (without a column or row `transform`, nor `fetch_types: false`); the store never ends it. While
   * anyone subscribes to revocations (and `listen` names no pool), one of its connections stays in `LISTEN`.
   */
  readonly pool: PostgresClient;
  /** Schema holding the tables; `migrate()` creates it. Lower-case letters, digits and `_`. @default "session_revocation" */
  readonly schema?: string;
  /**
   * Sessions table name; the others are `<table>_owners`, `<table>_epochs`...: lower-case letters, digits and `_`, at most 40 characters.
   * @default "sessions"
   */
  readonly table?: string;
  /**
   * Deadline in ms of every operation, waiting for a client included: past it the call rejects with
   * `STORE_UNAVAILABLE` and the statement is cancelled on the server. `migrate()` has none.
   * @default 2_000
   */
  readonly statementTimeout?: number;
  /**
   * Whether statements are named (prepared once per connection). Set `false` when `pool` goes through
   * a pooler in transaction mode (PgBouncer `pool_mode = transaction`, managed services' poolers).
   * @default true
   */
  readonly preparedStatements?: boolean;
  /**
   * How the store hears other instances' revocations (LISTEN; they are always published with `pg_notify`):
   * `true` on a connection of `pool`; `{ pool }` on a small pool of direct connections, when `pool` goes
   * through a transaction pooler; `false` not at all (cached epochs follow within `epochCacheTtl`).
   * @default true
   */
  readonly listen?: boolean | PostgresListenOptions;
}

/** `listen: { pool }`: where the store LISTENs when `pool` cannot (a transaction pooler). */
export interface PostgresListenOptions {
  /** A `pg.Pool` or postgres.js client of direct (session) connections, used only for LISTEN. */
  readonly pool: PostgresClient;
}

/** Applies defaults and checks the options (`INVALID_CONFIGURATION`); `listenPool` is `undefined` when the store does not listen. */
export function resolvePostgresOptions(options: PostgresStoreOptions) {
  if (typeof options !== 'object' || options === null || !isClient(options.pool)) {
    throw invalid('postgresStore needs { pool }: a pg.Pool (npm install pg) or a postgres.js client (npm install postgres).');
  }
  optionsObject('postgresStore() options', options, ['pool', 'schema', 'table', 'statementTimeout', 'preparedStatements', 'listen']);
  // Raw rows still get the client's column names and row transform: the store would read none of its columns.
  type Settings = { readonly transform?: { readonly column?: { readonly from?: unknown }; readonly row?: { readonly from?: unknown } }; readonly fetch_types?: unknown } | undefined;
  const settings = isPostgresJs(options.pool) ? (options.pool.options as Settings) : undefined;
  if (settings?.transform?.column?.from !== undefined || settings?.transform?.row?.from !== undefined) {
    throw invalid('postgresStore needs a postgres.js client without a column or row transform (postgres.camel renames its columns): give it one of its own, made without transform.');
  }
  // postgres.js 3.4.9's reserve(), which the store uses, never answers when it opens a connection without fetching types.
  if (settings?.fetch_types === false) {
    throw invalid('postgresStore needs a postgres.js client made without fetch_types: false (postgres.js then never hands out a new reserved connection): give it one of its own, or a pg.Pool.');
  }
  return {
    pool: options.pool,
    names: tableNames(options.schema ?? DEFAULT_SCHEMA, options.table ?? DEFAULT_TABLE),
    statementTimeout: duration('postgresStore: statementTimeout', options.statementTimeout, 2_000, { min: 1, max: MAX_TIMER_DELAY }),
    preparedStatements: boolean('postgresStore: preparedStatements', options.preparedStatements, true),
    listenPool: listenPoolOf(options.pool, options.listen ?? true),
  };
}

/** Whether `value` is a `pg.Pool` or a postgres.js client, told apart by what they can do. */
export function isPostgresJs(value: PostgresClient): value is PostgresJsSql {
  return typeof value === 'function' && typeof (value as Partial<PostgresJsSql>).reserve === 'function';
}

function isClient(value: unknown): value is PostgresClient {
  const { reserve, unsafe, listen, connect } = (value ?? {}) as Partial<PostgresJsSql & PostgresPool>;
  if (typeof value === 'function') return typeof reserve === 'function' && typeof unsafe === 'function' && typeof listen === 'function';
  return typeof value === 'object' && typeof connect === 'function';
}

function listenPoolOf(pool: PostgresClient, listen: unknown): PostgresClient | undefined {
  if (listen === true) return pool;
  if (listen === false) return undefined;
  if (typeof listen === 'object' && listen !== null && Object.keys(listen).every((key) => key === 'pool') && isClient((listen as { pool?: unknown }).pool)) {
    return (listen as { pool: PostgresClient }).pool;
  }
  throw invalid('postgresStore: listen must be true, false or { pool } with a pg.Pool or postgres.js client of direct connections.');
}
