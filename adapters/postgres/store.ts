import { isSessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';
import { poolRunner, postgresDialect, routineApplied, routineWait, sqlStore, type SqlDriver } from '../sql/index.js';
import { sqlState } from './errors.js';
import { applyCall, applyValues } from './apply-function.js';
import { postgresPool } from './connection.js';
import { notifications } from './notifications.js';
import { isPostgresJs, resolvePostgresOptions, type PostgresStoreOptions } from './options.js';
import { postgresJsPool } from './postgres-js.js';
import { schemaSql } from './schema-sql.js';

/** A {@link SessionStore} on PostgreSQL with every optional method, and the migration that creates its tables. */
export interface PostgresStore extends SessionStore {
  /**
   * Creates the schema, tables and indexes (version 1) and the function applying a batch: idempotent, safe from several instances at once, one simple
   * query (so through a pooler too). The same SQL ships as `schema.sql`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when PostgreSQL cannot be reached,
   * `STORE_ERROR` when the script fails (no privilege, a table of the same name with another shape).
   */
  migrate(): Promise<void>;
  /** Stops listening. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}

// Failed to serialize (an isolation above READ COMMITTED) or deadlocked, so rolled back whole.
const failedToSerialize = (error: unknown): boolean => ['40001', '40P01'].includes(sqlState(error) ?? '');

// Sent again until the deadline stops the connection.
async function serialized<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!failedToSerialize(error)) throw error;
    }
  }
}

/**
 * A session store on PostgreSQL (`pg` 8 or postgres.js 3.4). A batch is one call of the schema's
 * apply function: it checks and bumps its owner's version first, writes, and `pg_notify`s on commit,
 * so every instance drops its cached epochs at once. Behind a transaction pooler, pass
 * `preparedStatements: false` and `listen: { pool }` or `listen: false`. An erased user's bytes stay in dead tuples until `VACUUM`.
 *
 * @returns A {@link PostgresStore}. Call `migrate()` once at startup (or apply `schema.sql`).
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for wrong options. Calls reject
 * with `STORE_UNAVAILABLE` when PostgreSQL is unreachable or slower than the timeout.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSessionManager } from 'session-revocation';
 * import { postgresStore } from 'session-revocation/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error('postgres', error)); // else an idle connection the server ends ends the process
 * const store = postgresStore({ pool });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const { pool, names, statementTimeout, preparedStatements, listenPool } = resolvePostgresOptions(options);
  const { run, use, close } = poolRunner(postgresPool(isPostgresJs(pool) ? postgresJsPool(pool) : pool, preparedStatements), statementTimeout);
  const notices = listenPool === undefined ? undefined : notifications(listenPool, names.channel, statementTimeout);
  const call = applyCall(names);
  const driver: SqlDriver = {
    use: (operation, transaction, work) => use(operation, transaction, transaction ? work : (c) => serialized(() => work(c))),
    // One statement, so one transaction: its notice is delivered when it commits, never when it rolls back.
    applyAll: (check, steps, notice) => {
      const started = performance.now();
      return run('apply', (c) =>
        serialized(async () => routineApplied((await c.run(call, applyValues(check, steps, notice, names.channel, routineWait(statementTimeout, started)))).rows[0]?.['applied'], 'PostgreSQL')),
      );
    },
    // A transaction (a prune batch) fails to serialize when another instance changed its rows first; the store's answer carries the driver's error.
    conflict: (error) => failedToSerialize(isSessionError(error) ? error.cause : error),
  };

  const store: PostgresStore = {
    ...sqlStore(postgresDialect, names, driver),
    callTimeout: statementTimeout,
    // No deadline: it may wait for another instance's migration. The script opens its own transaction, rolled back on failure.
    async migrate() {
      await run('migrate', (connection) => connection.routine(() => connection.run(schemaSql(names))), null);
    },
    async close() {
      close();
      await notices?.close();
    },
  };
  if (notices !== undefined) store.subscribe = (listener, onResync) => notices.subscribe(listener, onResync);
  return store;
}
