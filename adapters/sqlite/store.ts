import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';
import { sqliteDialect, sqlStore, type SqlConnection, type SqlDriver } from '../sql/index.js';
import { openDatabase } from './driver.js';
import { checkpointAfterErase, scrubsErasedBytes } from './erasure.js';
import { toSessionError } from './errors.js';
import { DEFAULT_BUSY_TIMEOUT, resolveOptions, type SqliteStoreOptions } from './options.js';
import { configureOwnedDatabase, ensureSchema, tableNames } from './schema.js';

// Calls take turns across every store of this process: a transaction awaits between its
// statements, and better-sqlite3 waits for a lock synchronously, so a second connection's BEGIN
// while the first's transaction is open would block the one thread that could finish it.
let queue: Promise<unknown> = Promise.resolve();

/**
 * A session store in an SQLite database through better-sqlite3: sessions survive restarts
 * with no server to run. Fits apps on one machine, including several processes (a cluster,
 * a CLI next to the server) sharing one database file.
 *
 * What it does:
 * - Creates its tables on first use (`CREATE TABLE IF NOT EXISTS`, names prefixed by
 *   `tablePrefix`) and records the schema version, 1. Tables of a newer version are refused
 *   with `STORE_ERROR`.
 * - Validation reads the session with its user's and tenant's epochs in one statement; a
 *   batch (`apply`) is one write transaction (`BEGIN IMMEDIATE`) that checks and bumps its
 *   owner's version before its writes, so processes and connections signing in at once never
 *   pass the session cap. The SQL is the one the PostgreSQL and MySQL stores share.
 * - `prune` deletes, per call, at most `limit` rows of each table, oldest first through an
 *   index, in one short write transaction.
 * - Opening a file itself, it switches the file to WAL (readers never wait for a writer) with
 *   `synchronous = NORMAL`, turns on `secure_delete`, and sets the busy timeout. With
 *   `database`, the connection is the app's: the store changes none of its settings except
 *   `busy_timeout` when `busyTimeout` is given. Enable WAL on it yourself when several
 *   processes share the file.
 * - Prepares its statements once; this store's calls take turns on its connection.
 *
 * Limits of sharing one file:
 * - One machine, a local disk. WAL needs shared memory between the processes, so a network
 *   filesystem (NFS, SMB) or processes on different hosts are not supported; use the Redis
 *   or PostgreSQL store for those.
 * - Writers take turns. A write waits up to `busyTimeout` for another connection's write,
 *   then fails with `STORE_UNAVAILABLE` (HTTP 503; nothing was written).
 * - better-sqlite3 is synchronous: a call blocks this process's event loop while it runs and
 *   while it waits for the lock. Calls are short (pruning deletes one bounded batch per
 *   call); keep `busyTimeout` near the longest wait you accept on a request.
 * - Pruning takes no lock of its own: processes pruning at once take turns batch by batch
 *   (each finds what the other left) instead of skipping.
 * - No cross-process notifications: access-token verification in another process sees a
 *   revocation (of a user or of a tenant) when its `epochCacheTtl` runs out. Cookie sessions
 *   read the store on every request, so they are refused at once.
 * - Erased means unreadable from a copy of the file: on a file the store opened, deletes
 *   overwrite the freed bytes with zeros (`secure_delete`), and an erase checkpoints the
 *   WAL into the file and truncates it (`wal_checkpoint(TRUNCATE)`) after deleting, so the
 *   user's device, IP and session ids are neither in the `.db` nor in the `-wal` file. The
 *   checkpoint waits up to `busyTimeout` for readers of other connections still on the old
 *   WAL; if they outlast it, the erase rejects with `STORE_UNAVAILABLE` (the rows are
 *   deleted; calling it again completes it). With `database`, the store never turns
 *   `secure_delete` on (a setting of your connection): turn it on yourself (`ON`) and
 *   an erase checkpoints the same way; left off, the deleted rows' bytes may stay in the
 *   file's free pages and in the WAL until SQLite reuses them. `FAST` is checkpointed too, but
 *   is not enough: it leaves the bytes of pages SQLite frees whole. Backups taken before the
 *   erase are yours to expire.
 *
 * @param options - `{ filename }` to open a file (better-sqlite3 loaded on demand), or
 * `{ database }` for a connection the app opened; plus `tablePrefix` and `busyTimeout`.
 * @returns A {@link SessionStore}. `close()` closes the database only if the store opened it.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the options are wrong, when
 * better-sqlite3 is not installed (`filename` form) or when the file cannot be opened.
 * Operations reject with `STORE_UNAVAILABLE` (lock held past `busyTimeout`, disk failure, the
 * app closed its connection), `CLOSED` (this store was closed) or `STORE_ERROR` (anything
 * else, with the SQLite error as `cause`).
 *
 * @example
 * ```ts
 * import { createSessionManager } from 'session-revocation';
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

  // Settings and tables on first use, so a failure (a busy lock at startup) rejects that call
  // like any other and the next call tries again.
  const initialise = async (): Promise<void> => {
    if (owned) await configureOwnedDatabase(db, busyTimeout);
    else if (givenTimeout !== undefined) db.pragma(`busy_timeout = ${givenTimeout}`);
    ensureSchema(db, tablePrefix);
  };
  const connection: SqlConnection = {
    async run({ name, text }, values) {
      let statement = prepared.get(name);
      if (statement === undefined) prepared.set(name, (statement = db.prepare(text)));
      if (statement.reader) {
        const rows = statement.all(...values) as Record<string, null>[];
        return { rows, count: rows.length };
      }
      return { rows: [], count: statement.run(...values).changes };
    },
  };
  const driver: SqlDriver = {
    use(_operation, transaction, work) {
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
      return result.catch((error: unknown) => {
        throw toSessionError(error);
      });
    },
  };
  const core = sqlStore(sqliteDialect, tableNames(tablePrefix), driver);

  return {
    ...core,
    async apply(batch) {
      const applied = await core.apply(batch);
      // After the commit: a checkpoint cannot run inside a transaction.
      if (applied && batch.writes.some((write) => write.type === 'erase') && scrubsErasedBytes(db, owned)) {
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
