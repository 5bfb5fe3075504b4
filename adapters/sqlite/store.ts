import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';
import { openDatabase } from './driver.js';
import { checkpointAfterErase, scrubsErasedBytes } from './erasure.js';
import { toSessionError } from './errors.js';
import { createOperations, type Operations } from './operations.js';
import { sqliteFederated } from './federated.js';
import { DEFAULT_BUSY_TIMEOUT, resolveOptions, type SqliteStoreOptions } from './options.js';
import { configureOwnedDatabase, ensureSchema, tableNames } from './schema.js';
import { prepareStatements } from './statements.js';

/**
 * A session store in an SQLite database through better-sqlite3: sessions survive restarts
 * with no server to run. Fits apps on one machine, including several processes (a cluster,
 * a CLI next to the server) sharing one database file.
 *
 * What it does:
 * - Creates its tables on first use (`CREATE TABLE IF NOT EXISTS`, names prefixed by
 *   `tablePrefix`) and records the schema version, 1. Tables of a newer version are refused
 *   with `STORE_ERROR`.
 * - Tenant-wide revocation (`revokeTenant`) writes one row per kind, however many users and
 *   sessions the tenant has, and validation reads the session, its user's epochs and its
 *   tenant's epochs in one statement. Each sign-in of a session with a tenant also raises the
 *   tenant's high-water mark: one more row written in its transaction.
 * - Account activity is written in the transaction of the change it records (a sign-in, a
 *   revocation), so an entry is never missing for a change made, nor present for one rolled
 *   back. Entries are listed newest first by their id in byte order through an index, a
 *   tenant's own entries merged from a second index. Known devices and one-time "This wasn't
 *   me" links live in their own tables; a link is used (checked and deleted) in one write
 *   transaction, so of two processes using it at once one gets it. `eraseUser` deletes the
 *   user's entries, devices and links with the sessions.
 * - `prune` deletes, per call, at most `limit` sessions, `limit` deny-list entries, and
 *   `limit` of the entries (with `activityBefore`), devices (with `devicesBefore`) and expired
 *   links together, oldest first through an index, in one short write transaction.
 * - Opening a file itself, it switches the file to WAL (readers never wait for a writer) with
 *   `synchronous = NORMAL`, turns on `secure_delete`, and sets the busy timeout. With
 *   `database`, the connection is the app's: the store changes none of its settings except
 *   `busy_timeout` when `busyTimeout` is given. Enable WAL on it yourself when several
 *   processes share the file.
 * - Prepares its statements once. Each call is one statement or one transaction (writes take
 *   the write lock up front with `BEGIN IMMEDIATE`); validation is one indexed read. The
 *   session cap (`maxSessions`) is counted, enforced and the new session inserted in one such
 *   transaction, so processes and connections signing in at once never exceed it.
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
 *   overwrite the freed bytes with zeros (`secure_delete`), and `eraseUser` checkpoints the
 *   WAL into the file and truncates it (`wal_checkpoint(TRUNCATE)`) after deleting, so the
 *   user's device, IP and session ids are neither in the `.db` nor in the `-wal` file. The
 *   checkpoint waits up to `busyTimeout` for readers of other connections still on the old
 *   WAL; if they outlast it, `eraseUser` rejects with `STORE_UNAVAILABLE` (the rows are
 *   deleted; calling it again completes it). With `database`, the store never turns
 *   `secure_delete` on (a setting of your connection): turn it on yourself (`ON`) and
 *   `eraseUser` checkpoints the same way; left off, the deleted rows' bytes may stay in the
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
  const resolved = resolveOptions(options);
  const owned = options.database === undefined;
  const busyTimeout = resolved.busyTimeout ?? DEFAULT_BUSY_TIMEOUT;
  const db: BetterSqlite3.Database = options.database ?? openDatabase(options.filename, busyTimeout);
  const names = tableNames(resolved.tablePrefix);
  let operations: Operations | undefined;
  let initialising: Promise<Operations> | undefined;
  let closed = false;

  // Schema and statements on first use, so a failure (a busy lock at startup) rejects that
  // call like any other and the next call tries again. Calls arriving meanwhile share it.
  const initialise = async (): Promise<Operations> => {
    if (owned) await configureOwnedDatabase(db, busyTimeout);
    else if (resolved.busyTimeout !== undefined) db.pragma(`busy_timeout = ${resolved.busyTimeout}`);
    if (closed) throw new SessionError('CLOSED', 'The SQLite session store was closed.');
    ensureSchema(db, names);
    return createOperations(db, prepareStatements(db, names));
  };
  const ready = (): Promise<Operations> =>
    (initialising ??= initialise().then(
      (ops) => (operations = ops),
      (error: unknown) => {
        initialising = undefined;
        throw error;
      },
    ));

  const run = async <T>(operation: (ops: Operations) => T): Promise<T> => {
    if (closed) throw new SessionError('CLOSED', 'The SQLite session store was closed.');
    if (!db.open) throw new SessionError('STORE_UNAVAILABLE', 'The SQLite database connection given to the session store is closed.');
    try {
      const ops = operations ?? (await ready());
      if (closed) throw new SessionError('CLOSED', 'The SQLite session store was closed.');
      return operation(ops);
    } catch (error) {
      throw toSessionError(error);
    }
  };

  return {
    create: (record, createOptions) => run((ops) => ops.create(record, createOptions)),
    get: (sessionId) => run((ops) => ops.get(sessionId)),
    touch: (sessionId, at) => run((ops) => ops.touch(sessionId, at)),
    reauthenticate: (sessionId, at) => run((ops) => ops.reauthenticate(sessionId, at)),
    revoke: (sessionId, revokeOptions) => run((ops) => ops.revoke(sessionId, revokeOptions)),
    revokeAll: (userId, revokeOptions) => run((ops) => ops.revokeAll(userId, revokeOptions)),
    revokeOthers: (userId, revokeOptions) => run((ops) => ops.revokeOthers(userId, revokeOptions)),
    revokeTenant: (tenantId, revokeOptions) => run((ops) => ops.revokeTenant(tenantId, revokeOptions)),
    listByUser: (userId) => run((ops) => ops.listByUser(userId)),
    getRevocationState: (userId, tenantId) => run((ops) => ops.getRevocationState(userId, tenantId)),
    eraseUser: (userId) =>
      run((ops) => {
        const deleted = ops.eraseUser(userId);
        // After the commit: a checkpoint cannot run inside a transaction.
        if (scrubsErasedBytes(db, owned)) checkpointAfterErase(db);
        return deleted;
      }),
    prune: (pruneOptions) => run((ops) => ops.prune(pruneOptions)),
    appendActivity: (entries) => run((ops) => ops.appendActivity(entries)),
    listActivity: (userId, listOptions) => run((ops) => ops.listActivity(userId, listOptions)),
    rememberDevice: (userId, deviceHash, at) => run((ops) => ops.rememberDevice(userId, deviceHash, at)),
    listDevices: (userId) => run((ops) => ops.listDevices(userId)),
    saveRevocationLink: (link) => run((ops) => ops.saveRevocationLink(link)),
    consumeRevocationLink: (id, secretHash, now) => run((ops) => ops.consumeRevocationLink(id, secretHash, now)),
    stats: (now) => run((ops) => ops.stats(now)),
    ...sqliteFederated(db, names, (operation) => run(() => operation())),
    async close() {
      if (closed) return;
      closed = true;
      operations = undefined;
      initialising = undefined;
      if (owned && db.open) db.close();
    },
  };
}
