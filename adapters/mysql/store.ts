import { isSessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';
import { mysqlDialect, poolRunner, routineApplied, routineWait, sqlStore, type SqlDriver } from '../sql/index.js';
import { applyProcedure, applyValues } from './apply-procedure.js';
import { mysqlPool } from './connection.js';
import { errnoOf } from './errors.js';
import { resolveMysqlOptions, type MysqlStoreOptions } from './options.js';
import { migrate } from './schema.js';

/** A {@link SessionStore} on MySQL or MariaDB with every optional method but `subscribe`, and the migration that creates its tables. */
export interface MysqlStore extends SessionStore {
  /**
   * Creates the tables (schema version 1) and the procedure applying a batch (so the user needs the `CREATE ROUTINE` privilege, and `EXECUTE` at run
   * time): idempotent, safe from several instances at once. Run it at startup, or `session-revocation migrate --store mysql://…`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when the server cannot be reached,
   * `STORE_ERROR` when a statement fails (no privilege, tables of a newer version).
   */
  migrate(): Promise<void>;
  /** Refuses further calls. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}

/**
 * A session store on MariaDB 10.6+ or MySQL 8 through the app's `mysql2/promise` pool. A batch is
 * one `CALL` of the migration's procedure: one READ COMMITTED transaction that checks and bumps its
 * owner's version first, so concurrent sign-ins on any number of instances never pass the session cap.
 *
 * There is no `subscribe` (MySQL has no LISTEN/NOTIFY): other instances' cached epochs follow within
 * their `epochCacheTtl`. The pool's connections must keep autocommit on and never be released with a
 * transaction open: an old snapshot would let a revoked session validate.
 *
 * @returns A {@link MysqlStore}. Call `migrate()` once at startup.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * or callback-style pool, a prefix that is not a plain lower-case identifier or a bad timeout.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { mysqlStore } from 'session-revocation/mysql';
 *
 * const store = mysqlStore({ pool: mysql.createPool(process.env.DATABASE_URL!) });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  const { pool, names, statementTimeout } = resolveMysqlOptions(options);
  const { run, use, close } = poolRunner(mysqlPool(pool), statementTimeout);
  const procedure = applyProcedure(names);
  const applyAll: SqlDriver['applyAll'] = (check, steps) => {
    const started = performance.now();
    // The procedure commits itself; a deadlock's victim runs once more, with what is left of the time.
    return run('apply', (c) =>
      c.routine(async () => {
        const { rows } = await c.run(procedure.call, applyValues(check, steps, routineWait(statementTimeout, started)));
        return routineApplied(rows[0]?.['applied'], 'MySQL');
      }),
    );
  };
  // A deadlock that outlived its one retry (instances pruning at once lock rows in different orders): the store's answer carries the driver's error.
  const conflict: SqlDriver['conflict'] = (error) => errnoOf(isSessionError(error) ? error.cause : error) === 1213;
  return {
    ...sqlStore(mysqlDialect, names, { use, applyAll, conflict }),
    callTimeout: statementTimeout,
    migrate: () => migrate(run, names, procedure),
    close: async () => close(),
  };
}
