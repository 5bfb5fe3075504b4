import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import { getOrAdd } from '../../src/get-or-add.js';
import type { SessionStore } from '../../src/store.js';
import { sqliteDialect, sqlStore, type SqlConnection, type SqlDriver } from '../sql/index.js';
import { checkpointAfterErase, openDatabase, toSessionError } from './driver.js';
import { DEFAULT_BUSY_TIMEOUT, resolveOptions, type SqliteStoreOptions } from './options.js';
import { configureOwnedDatabase, ensureSchema, tableNames } from './schema.js';

// Calls of every store in the process take turns: better-sqlite3 waits for a lock synchronously, blocking the thread that could free it.
let queue: Promise<unknown> = Promise.resolve();

/**
 * A session store in an SQLite database through better-sqlite3, for apps on one machine: several
 * processes may share the file (local disk only, not NFS or SMB). Tables are created on first use;
 * a batch is one `BEGIN IMMEDIATE` transaction, so concurrent sign-ins never pass the session cap.
 *
 * - A file the store opens is switched to WAL with `secure_delete` on; a `database` of the app's
 *   keeps its settings (only `busy_timeout` is set, when `busyTimeout` is given). A batch's transaction
 *   stays open across its awaits: a write of the app's on that connection meanwhile joins it (and is
 *   rolled back with it). Where the app writes while the store works, give the store its own connection.
 * - Writers take turns: a write waits up to `busyTimeout`, blocking the event loop (better-sqlite3
 *   is synchronous), then fails with `STORE_UNAVAILABLE`.
 * - No cross-process notifications: other processes see a revocation in cached epochs when their
 *   `epochCacheTtl` runs out; cookie sessions read the store on every request.
 * - An erase deletes the rows, then checkpoints and truncates the WAL when `secure_delete` is on
 *   (always on a file the store opened; `FAST` is not enough), so no copy of the file holds them;
 *   readers keeping the WAL busy past `busyTimeout` make it reject (`STORE_UNAVAILABLE`): call it again.
 *
 * @param options - `{ filename }` to open a file, or `{ database }` for a connection the app opened.
 * @returns A {@link SessionStore}. `close()` closes the database only if the store opened it.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for wrong options, a missing
 * better-sqlite3, a file that cannot be opened, a file, its `-wal` or `-shm` file or directory the process may not write (SQLite
 * needs to create its `-wal` and `-shm` files next to the file) or a read-only `database`. Calls reject
 * with `STORE_UNAVAILABLE` (lock held past `busyTimeout`, disk failure, the app's connection closed),
 * `CLOSED` or `STORE_ERROR`.
 *
 * @example
 * ```ts
 * import { sqliteStore } from 'session-revocation/sqlite';
 *
 * const sessions = createSessionManager({ store: sqliteStore({ filename: 'data/sessions.db' }) });
 * sessions.startPruning();
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SessionStore {
  const { tablePrefix, busyTimeout: givenTimeout } = resolveOptions(options);
  const owned = options.database === undefined;
  const busyTimeout = givenTimeout ?? DEFAULT_BUSY_TIMEOUT;
  const db: BetterSqlite3.Database = options.database ?? openDatabase(options.filename, busyTimeout);
  const prepared = new Map<string, BetterSqlite3.Statement>();
  let initialised: Promise<void> | undefined;
  let closed = false;

  // On first use, so a failure (a busy lock at startup) rejects that call and the next one retries.
  const initialise = async (): Promise<void> => {
    if (owned) await configureOwnedDatabase(db, busyTimeout);
    else if (givenTimeout !== undefined) db.pragma(`busy_timeout = ${givenTimeout}`);
    ensureSchema(db, tablePrefix);
  };
  const connection: SqlConnection = {
    async run({ name, text }, values) {
      const statement = getOrAdd<string, BetterSqlite3.Statement>(prepared, name, () => db.prepare(text));
      if (statement.reader) {
        const rows = statement.all(...values) as Record<string, null>[];
        return { rows, count: rows.length };
      }
      return { rows: [], count: statement.run(...values).changes };
    },
  };
  const driver: SqlDriver = {
    use(operation, transaction, work) {
      const result = queue.then(async () => {
        if (closed) throw new SessionError('CLOSED', 'The SQLite session store was closed.');
        if (!db.open) throw new SessionError('STORE_UNAVAILABLE', 'The SQLite database connection given to the session store is closed.');
        await (initialised ??= initialise().catch((error: unknown) => {
          initialised = undefined;
          throw error;
        }));
        if (!transaction) return work(connection);
        // The write lock up front: a transaction never fails half way for want of it.
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await work(connection);
          db.exec('COMMIT');
          return value;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      queue = result.catch(() => undefined);
      return result.catch((error: unknown) => Promise.reject(toSessionError(error, operation)));
    },
  };
  const core = sqlStore(sqliteDialect, tableNames(tablePrefix), driver);

  return {
    ...core,
    async apply(batch) {
      const applied = await core.apply(batch);
      // After the commit (a checkpoint cannot run in a transaction), on a file the store opened or one the app set `secure_delete` on.
      if (applied && batch.writes.some((write) => write.type === 'erase') && (owned || Number(db.pragma('secure_delete', { simple: true })) !== 0)) {
        await driver.use('erase', false, async () => checkpointAfterErase(db));
      }
      return applied;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      if (owned && db.open) db.close();
    },
  };
}
