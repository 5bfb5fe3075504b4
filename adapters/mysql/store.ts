import { SessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';
import { mysqlDialect, sqlStore, type SqlDriver } from '../sql/index.js';
import { database } from './connection.js';
import { resolveMysqlOptions, type MysqlStoreOptions } from './options.js';
import { migrate } from './schema.js';

/** A {@link SessionStore} on MySQL or MariaDB with every optional method but `subscribe`, and the migration that creates its tables. */
export interface MysqlStore extends SessionStore {
  /**
   * Creates the tables, recording the schema version (1) in `<prefix>schema`. Idempotent, and
   * safe from several instances at once (they take turns on a named lock). Run it at startup,
   * or `session-revocation migrate --store mysql://…`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when the server cannot be reached,
   * `STORE_ERROR` when a statement fails (no privilege to create tables, tables of a newer
   * version than this release), `INVALID_CONFIGURATION` when the pool's connections have autocommit off.
   */
  migrate(): Promise<void>;
  /** Refuses further calls. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}

/**
 * A session store on MariaDB 10.6+ (tested on 10.11) or MySQL 8 (not tested here) through the
 * app's `mysql2/promise` pool; see the module's example.
 *
 * Its SQL is the one the SQLite and PostgreSQL stores share: `get` and `readUser` are one
 * statement each; a batch is one READ COMMITTED transaction whose first statement checks and
 * bumps its owner's version under the row's lock, so concurrent sign-ins from any number of
 * instances never pass the session cap (a deadlock is retried once, then `STORE_UNAVAILABLE`).
 *
 * MySQL has no LISTEN/NOTIFY, so the store does not `subscribe`: sessions are read on every
 * request (refused at once everywhere), and another instance's cached epochs for access tokens
 * follow within its manager's `epochCacheTtl`.
 *
 * The pool's connections must have autocommit on (the server's default): with it off, reads
 * would keep one old snapshot and a revoked session could still validate. The store checks each
 * connection the first time it uses it and refuses with `INVALID_CONFIGURATION`; the app must
 * never turn it off later on this pool's connections, nor release one with a transaction open.
 *
 * @param options - The app's pool, and optionally the table prefix and the statement timeout.
 * @returns A {@link MysqlStore}. Call `migrate()` once at startup.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * or callback-style pool, a prefix that is not a plain lower-case identifier or a bad timeout.
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  const { pool, names, statementTimeout } = resolveMysqlOptions(options);
  const run = database(pool, statementTimeout);
  let closed = false;
  const open = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The MySQL session store was closed.');
  };
  const driver: SqlDriver = {
    async use(operation, transaction, work) {
      open();
      return run(operation, (connection) => {
        const c = { run: (statement: { text: string }, values: readonly (string | number | null)[]) => connection.run(statement.text, values) };
        return transaction ? connection.transaction(() => work(c)) : work(c);
      });
    },
  };
  return {
    ...sqlStore(mysqlDialect, names, driver),
    callTimeout: statementTimeout,
    async migrate() {
      open();
      await migrate(run, names);
    },
    async close() {
      closed = true;
    },
  };
}
