import { SessionError } from '../../src/errors.js';
import type { ActivityStore, CoreSessionStore, FederatedStore, RevocationLinkStore, SessionRecord, SessionStore, StatsStore, TenantStore } from '../../src/store.js';
import { capabilities } from './capabilities.js';
import { database, type Connection, type Row } from './connection.js';
import { mysqlFederated } from './federated.js';
import { resolveMysqlOptions, type MysqlStoreOptions } from './options.js';
import { afterTenantEpoch, deny, insertActivity, partQueries, placeholders, pruneBatch, raise, tombstone } from './queries.js';
import { epochsOf, hexEpochs, millis, SESSION_COLUMNS, text, toRecord, utf8 } from './rows.js';
import { migrate, underNamedLock } from './schema.js';
import { signIn } from './sign-in.js';

type Capabilities = TenantStore & ActivityStore & RevocationLinkStore & StatsStore & FederatedStore;

/** A {@link SessionStore} on MySQL or MariaDB with every optional capability but `subscribe`, and the migration that creates its tables. */
export interface MysqlStore extends CoreSessionStore, Capabilities {
  /**
   * Creates the tables, recording the schema version (1) in `<prefix>schema`.
   * Idempotent, and safe from several instances at once (they take turns on a named lock).
   * Run it at startup, or `session-revocation migrate --store mysql://…`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when the server cannot be reached,
   * `STORE_ERROR` when a statement fails (no privilege to create tables, a table of the same
   * name with another shape, tables of a newer version than this release),
   * `INVALID_CONFIGURATION` when the pool's connections have autocommit off.
   */
  migrate(): Promise<void>;
  /** Refuses further calls. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}

/**
 * A session store on MariaDB 10.6+ (tested on 10.11) or MySQL 8 (not tested here) through the
 * app's `mysql2/promise` pool; see the module's example.
 *
 * Validation is one statement (the session, its user's epochs and its tenant's). Sign-in is one
 * READ COMMITTED transaction under the lock of the user's epoch row, so device replacement and
 * `maxSessions` hold under concurrent sign-ins from any number of instances. Revocations are
 * short transactions that write their activity entry with the change. Pruning deletes bounded
 * batches, oldest first, each table's its own short transaction, one instance at a time (`GET_LOCK`).
 *
 * MySQL has no LISTEN/NOTIFY, so the store does not `subscribe`: cookie and bearer sessions are
 * read from the database on every request (refused at once everywhere), and another instance's
 * cached epochs for access tokens follow within its manager's `epochCacheTtl`.
 *
 * The pool's connections must have autocommit on (the server's default): with it off, reads
 * would keep one old snapshot and a revoked session could still validate. The store checks each
 * connection the first time it uses it and refuses with `INVALID_CONFIGURATION`. It cannot see a
 * connection turned off after that check, so the app must never run `SET autocommit = 0` on
 * this pool's connections, nor release one with a transaction open (give such code its own pool).
 *
 * @param options - The app's pool, and optionally the table prefix and the statement timeout.
 * @returns A {@link MysqlStore}. Call `migrate()` once at startup.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * or callback-style pool, a prefix that is not a plain lower-case identifier or a bad timeout.
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  const { pool, names: t, statementTimeout } = resolveMysqlOptions(options);
  const db = database(pool, statementTimeout);
  const part = partQueries(t);
  let closed = false;
  const run = <T>(operation: string, work: (connection: Connection) => Promise<T>): Promise<T> =>
    closed ? Promise.reject(new SessionError('CLOSED', 'The MySQL session store was closed.')) : db(operation, work);
  const inTransaction = <T>(operation: string, work: (connection: Connection) => Promise<T>): Promise<T> =>
    run(operation, (connection) => connection.transaction(() => work(connection)));
  const byPart = (rows: readonly Row[], name: string): Row[] => rows.filter((row) => text(row, 'part') === name);
  // One owner's epochs as a list, and how many there are (see `hexEpochs`).
  const epochList = (table: string, key: string, alias: string): string =>
    `(SELECT GROUP_CONCAT(HEX(q.kind), ':', q.epoch, ';') FROM ${table} AS q WHERE q.${key} = s.${key} AND q.epoch > 0) AS ${alias},
     (SELECT COUNT(*) FROM ${table} AS q WHERE q.${key} = s.${key} AND q.epoch > 0) AS ${alias}_count`;
  // MySQL 8 lifts its 1,024-byte default for the lists for this statement alone; MariaDB (default 1 MiB) ignores the hint.
  const get = `SELECT /*+ SET_VAR(group_concat_max_len = 1048576) */ ${SESSION_COLUMNS.map((column) => `s.${column}`).join(', ')},
    ${epochList(t.epochs, 'user_id', 'epochs')}, ${epochList(t.tenantEpochs, 'tenant_id', 'tenant_epochs')} FROM ${t.sessions} AS s WHERE s.id = ?`;

  return {
    callTimeout: statementTimeout,
    async migrate() {
      if (closed) throw new SessionError('CLOSED', 'The MySQL session store was closed.');
      await migrate(db, t);
    },

    create: (newRecord, createOptions) => inTransaction('create', (connection) => signIn(connection, t, newRecord, createOptions)),

    // Validation: the session, its user's epochs and its tenant's, in one statement. A list cut
    // short by group_concat_max_len is read again through the parts: a second read, later, can
    // only see epochs as high or higher (they never move back).
    get: (sessionId) =>
      run('get', async (connection) => {
        const [row] = await connection.rows(get, [utf8(sessionId)]);
        if (row === undefined) return null;
        const session = toRecord(row);
        let epochs = hexEpochs(row, 'epochs');
        let tenantEpochs = hexEpochs(row, 'tenant_epochs');
        if (epochs === undefined || tenantEpochs === undefined) {
          const rows = await connection.rows(`${part.epochs('e.user_id = ?')} UNION ALL ${part.tenants('x.tenant_id = ?')}`, [utf8(session.userId), utf8(session.tenantId)]);
          epochs = epochsOf(byPart(rows, 'e'), 'k1', 'n');
          tenantEpochs = epochsOf(byPart(rows, 't'), 'k2', 'n');
        }
        return session.tenantId === undefined ? { session, epochs } : { session, epochs, tenantEpochs };
      }),

    // Never inserts, never touches a tombstone, never moves a time back.
    touch: (sessionId, at) =>
      run('touch', async (connection) => (await connection.write(`UPDATE ${t.sessions} SET last_used_at = GREATEST(last_used_at, ?) WHERE id = ? AND revoked_at IS NULL`, [at, utf8(sessionId)])) > 0),
    reauthenticate: (sessionId, at) =>
      run('reauthenticate', async (connection) => (await connection.write(`UPDATE ${t.sessions} SET authenticated_at = GREATEST(authenticated_at, ?) WHERE id = ? AND revoked_at IS NULL`, [at, utf8(sessionId)])) > 0),

    // The row lock (by primary key) decides which of two concurrent revokes wins; the other finds a tombstone.
    revoke: (sessionId, revokeOptions) =>
      inTransaction('revoke', async (connection) => {
        const [row] = await connection.rows(`${part.sessions('s.id = ? AND s.revoked_at IS NULL')} FOR UPDATE`, [utf8(sessionId)]);
        if (row === undefined) return null;
        const before: SessionRecord = toRecord(row);
        await connection.write(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id = ?`, [revokeOptions.at, utf8(revokeOptions.reason), utf8(sessionId)]);
        await deny(connection, t, before.userId, [before.id], revokeOptions.denyUntil);
        await insertActivity(connection, t, [revokeOptions.activity]);
        return before;
      }),

    revokeAll: (userId, revokeOptions) =>
      inTransaction('revokeAll', async (connection) => {
        const epochs = await raise(connection, t.epochs, 'user_id', userId, revokeOptions.kinds, revokeOptions.at);
        await insertActivity(connection, t, [revokeOptions.activity]);
        return epochs;
      }),

    // Locks the user's epoch rows of the kinds as a sign-in does (an upsert: through the primary
    // key, whatever the optimizer picks), then reads the live rows plainly, as sign-in does.
    revokeOthers: (userId, revokeOptions) =>
      inTransaction('revokeOthers', async (connection) => {
        const kinds = [...new Set(revokeOptions.kinds)].sort().map(utf8);
        const user = utf8(userId);
        await connection.writeInline(`INSERT INTO ${t.epochs} (user_id, kind) VALUES ${placeholders(kinds.length, 2)} ON DUPLICATE KEY UPDATE epoch = epoch`, kinds.flatMap((kind) => [user, kind]));
        const live = await connection.rowsInline(
          `SELECT s.id FROM ${t.sessions} AS s WHERE s.user_id = ? AND s.id <> ? AND s.kind IN (${placeholders(kinds.length)})
             AND s.revoked_at IS NULL AND s.expires_at > ? AND ${afterTenantEpoch(t)}
             AND s.created_at > COALESCE((SELECT e.epoch FROM ${t.epochs} AS e WHERE e.user_id = s.user_id AND e.kind = s.kind), 0) ORDER BY s.id`,
          [user, utf8(revokeOptions.keepSessionId), ...kinds, revokeOptions.at],
        );
        const ids = await tombstone(connection, t, live.map((row) => text(row, 'id')), revokeOptions.at, revokeOptions.reason);
        await deny(connection, t, userId, ids, revokeOptions.denyUntil);
        // One entry for the call, even when it found nothing to revoke.
        await insertActivity(connection, t, [revokeOptions.activity]);
        return ids;
      }),

    listByUser: (userId) =>
      run('listByUser', async (connection) => {
        const user = utf8(userId);
        const rows = await connection.rows(
          `${part.sessions('s.user_id = ?')} UNION ALL ${part.epochs('e.user_id = ?')}
           UNION ALL ${part.tenants(`x.tenant_id IN (SELECT tenant_id FROM ${t.sessions} WHERE user_id = ?)`)}`,
          [user, user, user],
        );
        const tenantEpochs = Object.create(null) as Record<string, Record<string, number>>;
        for (const row of byPart(rows, 't')) (tenantEpochs[text(row, 'k1')] ??= Object.create(null) as Record<string, number>)[text(row, 'k2')] = millis(row, 'n');
        // Oldest first, as every store lists them (a UNION has no order of its own).
        const sessions = byPart(rows, 's').map(toRecord).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        return { sessions, epochs: epochsOf(byPart(rows, 'e'), 'k1', 'n'), tenantEpochs };
      }),

    getRevocationState: (userId, tenantId) =>
      run('getRevocationState', async (connection) => {
        const user = utf8(userId);
        const rows = await connection.rows(`${part.epochs('e.user_id = ?')} UNION ALL ${part.denied('d.user_id = ?')} UNION ALL ${part.tenants('x.tenant_id = ?')}`, [
          user,
          user,
          utf8(tenantId),
        ]);
        const state = { epochs: epochsOf(byPart(rows, 'e'), 'k1', 'n'), denied: epochsOf(byPart(rows, 'd'), 'k1', 'n') };
        return tenantId === undefined ? state : { ...state, tenantEpochs: epochsOf(byPart(rows, 't'), 'k2', 'n') };
      }),

    // Everything that names the user, federated links included; epochs and high-water marks
    // stay. Each delete through the user's index (forced: a scan would wait on other users' rows).
    eraseUser: (userId) =>
      inTransaction('eraseUser', async (connection) => {
        const erase = (table: string, index: string): Promise<number> => connection.write(`DELETE r FROM ${table} AS r FORCE INDEX (${index}) WHERE r.user_id = ?`, [utf8(userId)]);
        const deleted = await erase(t.sessions, 'user_kind');
        for (const [table, index] of [[t.denied, 'PRIMARY'], [t.activity, 'user_entries'], [t.devices, 'PRIMARY'], [t.links, 'user_links'], [t.federatedLinks, 'by_user']] as const) await erase(table, index);
        return deleted;
      }),

    // One instance at a time (a named lock, not waited for). Each table's batch commits on its
    // own: a sign-in waits at most for one batch, and only on a row that batch deletes.
    prune: (pruneOptions) => {
      const limit = Math.floor(pruneOptions.limit);
      if (!(limit > 0)) return Promise.resolve(0);
      return run('prune', async (connection) => {
        const pruned = await underNamedLock(connection, t, 'sr:prune:', 0, async () => {
          const deleted = await pruneBatch(connection, t.sessions, 'expires_at', pruneOptions.now, limit);
          await pruneBatch(connection, t.denied, 'until', pruneOptions.now, limit);
          // Entries, devices and links share one more batch between them, in that order.
          let left = limit;
          if (pruneOptions.activityBefore !== undefined) left -= await pruneBatch(connection, t.activity, 'at', pruneOptions.activityBefore, left);
          if (pruneOptions.devicesBefore !== undefined && left > 0) left -= await pruneBatch(connection, t.devices, 'last_seen_at', pruneOptions.devicesBefore, left);
          if (left > 0) await pruneBatch(connection, t.links, 'expires_at', pruneOptions.now, left);
          return deleted;
        });
        return pruned ?? 0;
      });
    },

    ...capabilities({ names: t, run, inTransaction }),
    ...mysqlFederated(t, run),

    async close() {
      closed = true;
    },
  };
}
