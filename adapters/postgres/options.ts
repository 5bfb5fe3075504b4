import { SessionError } from '../../src/errors.js';
import { boolean, duration, invalidConfiguration as invalid, optionsObject } from '../../src/option-checks.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE, tableNames } from './names.js';
import type { PostgresJsSql, PostgresPool } from './types.js';

/** A client the store accepts: a node-postgres `pg.Pool` or a postgres.js `postgres(...)` client. */
export type PostgresClient = PostgresPool | PostgresJsSql;

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The app's client: `new pg.Pool(...)` or postgres.js `postgres(...)`. The store checks a
   * connection out per operation and gives it back; it never ends the pool. While anyone
   * subscribes to revocations (the manager does when access tokens are on) and `listen` names
   * no pool of its own, one connection of this pool stays in `LISTEN`.
   */
  readonly pool: PostgresClient;
  /**
   * Schema holding the tables; `migrate()` creates it. Lower-case letters, digits and `_`.
   * @default "session_revocation"
   */
  readonly schema?: string;
  /**
   * Sessions table name; the others are `<table>_owners`, `<table>_epochs`, `<table>_high_water`,
   * `<table>_denied`, `<table>_devices`, `<table>_activity`, `<table>_keys`. Lower-case letters,
   * digits and `_`, at most 40 characters.
   * @default "sessions"
   */
  readonly table?: string;
  /**
   * Deadline in ms of every store operation, waiting for a pooled client included. Past it the
   * call rejects with `STORE_UNAVAILABLE`, the client is closed rather than reused, and the
   * statement is cancelled on the server; transactions carry it as `SET LOCAL statement_timeout`. `migrate()` has no deadline (it may wait
   * for another instance).
   * @default 2_000
   */
  readonly statementTimeout?: number;
  /**
   * Whether the store's hot statements are named (prepared once per connection). Set `false`
   * when `pool` connects through a pooler in transaction mode (PgBouncer
   * `pool_mode = transaction`, the poolers of managed services): a named statement lives on
   * one server connection, and such a pooler hands the next query to another. With `false`
   * every statement is unnamed and parsed each time (a little more server CPU).
   * @default true
   */
  readonly preparedStatements?: boolean;
  /**
   * How the store hears other instances' revocations (PostgreSQL LISTEN), so managers drop
   * cached epochs the moment any instance revokes. Revocations are always published with
   * `pg_notify`, whatever this says.
   * - `true`: one connection of `pool` LISTENs while anyone subscribes.
   * - `{ pool }`: LISTEN on a connection of this pool instead, for apps whose `pool` goes
   *   through a transaction pooler, where LISTEN does not work: give it a small pool (one
   *   connection is enough) of direct (session) connections to the server.
   * - `false`: no `subscribe`; another instance's revocation reaches this one's cached epochs
   *   only when its manager's `epochCacheTtl` runs out.
   * @default true
   */
  readonly listen?: boolean | PostgresListenOptions;
}

/** `listen: { pool }`: where the store LISTENs when `pool` cannot (a transaction pooler). */
export interface PostgresListenOptions {
  /** A `pg.Pool` or postgres.js client of direct (session) connections, used only for LISTEN. */
  readonly pool: PostgresClient;
}

/**
 * Applies defaults and checks the options; `listenPool` is `undefined` when the store does not listen.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing pool,
 * bad names, a bad timeout or a `listen` / `preparedStatements` of the wrong type.
 */
export function resolvePostgresOptions(options: PostgresStoreOptions) {
  if (typeof options !== 'object' || options === null || !isClient(options.pool)) {
    throw invalid('postgresStore needs { pool }: a pg.Pool (npm install pg) or a postgres.js client (npm install postgres).');
  }
  optionsObject('postgresStore() options', options, ['pool', 'schema', 'table', 'statementTimeout', 'preparedStatements', 'listen']);
  return {
    pool: options.pool,
    names: tableNames(options.schema ?? DEFAULT_SCHEMA, options.table ?? DEFAULT_TABLE),
    statementTimeout: duration('postgresStore: statementTimeout', options.statementTimeout, 2_000, { min: 1, max: 2_147_483_647 }),
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


