import { SessionError } from '../../src/errors.js';
import type {
  ActivityRecord,
  Epochs,
  KindStats,
  KnownDevice,
  ListActivityOptions,
  RevocationLinkRecord,
  RevokeTenantOptions,
  SessionRecord,
  SessionStore,
} from '../../src/store.js';
import { capabilities } from './capabilities.js';
import { database, type Connection, type Row } from './connection.js';
import { resolveMysqlOptions, type MysqlStoreOptions } from './options.js';
import { activityInsert, afterTenantEpoch, denyInsert, partQueries, placeholders } from './queries.js';
import { activityValues, epochsOf, hexEpochs, millis, SESSION_COLUMNS, text, toRecord, utf8 } from './rows.js';
import { migrate } from './schema.js';
import { signIn } from './sign-in.js';

/** A {@link SessionStore} on MySQL or MariaDB, with the migration that creates its tables. */
export interface MysqlStore extends SessionStore {
  // The optional capabilities of the contract, which this store always has.
  /** {@inheritDoc session-revocation!SessionStore.revokeTenant} */
  revokeTenant(tenantId: string, options: RevokeTenantOptions): Promise<Epochs>;
  /** {@inheritDoc session-revocation!SessionStore.appendActivity} */
  appendActivity(entries: readonly ActivityRecord[]): Promise<void>;
  /** {@inheritDoc session-revocation!SessionStore.listActivity} */
  listActivity(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;
  /** {@inheritDoc session-revocation!SessionStore.rememberDevice} */
  rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null>;
  /** {@inheritDoc session-revocation!SessionStore.listDevices} */
  listDevices(userId: string): Promise<readonly KnownDevice[]>;
  /** {@inheritDoc session-revocation!SessionStore.saveRevocationLink} */
  saveRevocationLink(link: RevocationLinkRecord): Promise<void>;
  /** {@inheritDoc session-revocation!SessionStore.consumeRevocationLink} */
  consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null>;
  /** {@inheritDoc session-revocation!SessionStore.stats} */
  stats(now: number): Promise<Readonly<Record<string, KindStats>>>;
  /**
   * Creates or upgrades the tables, recording the schema version in `<prefix>schema`.
   * Idempotent, and safe from several instances at once (they take turns on a named lock).
   * Run it at startup, or `session-revocation migrate --store mysql://…`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when the server cannot be reached,
   * `STORE_ERROR` when a statement fails (no privilege to create tables, a table of the same
   * name with another shape, tables of a newer version than this release).
   */
  migrate(): Promise<void>;
  /** Refuses further calls. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}

/**
 * A session store on MySQL 8 or MariaDB 10.6+ through the app's `mysql2/promise` pool.
 *
 * Validation is one statement (the session, its user's epochs and its tenant's). Sign-in is one
 * READ COMMITTED transaction under the lock of the user's epoch row, so device replacement and
 * `maxSessions` hold under concurrent sign-ins from any number of instances. Revocations are
 * short transactions that write their activity entry with the change. Pruning deletes bounded
 * batches, oldest first, one instance at a time (`GET_LOCK`), and locks only the rows it deletes.
 *
 * MySQL has no LISTEN/NOTIFY, so the store does not `subscribe`: cookie and bearer sessions are
 * read from the database on every request (refused at once everywhere), and another instance's
 * cached epochs for access tokens follow within its manager's `epochCacheTtl`.
 *
 * @param options - The app's pool, and optionally the table prefix and the statement timeout.
 * @returns A {@link MysqlStore}. Call `migrate()` once at startup.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * or callback-style pool, a prefix that is not a plain lower-case identifier or a bad timeout.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createSessionManager } from 'session-revocation';
 * import { mysqlStore } from 'session-revocation/mysql';
 *
 * const store = mysqlStore({ pool: mysql.createPool(process.env.DATABASE_URL!) });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  const { pool, names: t, statementTimeout } = resolveMysqlOptions(options);
  const db = database(pool, statementTimeout);
  const part = partQueries(t);
  let closed = false;
  const run = <T>(operation: string, work: (connection: Connection) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new SessionError('CLOSED', 'The MySQL session store was closed.'));
    return db.run(operation, work);
  };
  const inTransaction = <T>(operation: string, work: (connection: Connection) => Promise<T>): Promise<T> =>
    run(operation, (connection) => connection.transaction(() => work(connection)));
  const record = async (connection: Connection, entry: ActivityRecord | undefined): Promise<void> => {
    if (entry !== undefined) await connection.write(activityInsert(t, 1), activityValues(entry));
  };
  const deny = async (connection: Connection, userId: string, ids: readonly string[], until: number | undefined): Promise<void> => {
    if (until !== undefined && ids.length > 0) await connection.write(denyInsert(t, ids.length), ids.flatMap((id) => [utf8(userId), utf8(id), until]));
  };
  // Raises each kind's epoch to max(epoch, at, high-water mark): one upsert, kinds in sorted
  // order so two raises lock rows in the same order. Answers the named kinds' epochs.
  const raise = async (connection: Connection, table: string, key: string, id: string, kinds: readonly string[], at: number): Promise<Epochs> => {
    const sorted = [...new Set(kinds)].sort();
    await connection.write(
      `INSERT INTO ${table} (${key}, kind, epoch, high_water) VALUES ${sorted.map(() => '(?, ?, ?, 0)').join(', ')}
       ON DUPLICATE KEY UPDATE epoch = GREATEST(epoch, VALUES(epoch), high_water)`,
      sorted.flatMap((kind) => [utf8(id), utf8(kind), at]),
    );
    return epochsOf(await connection.rows(`SELECT kind, epoch FROM ${table} WHERE ${key} = ? AND kind IN (${placeholders(sorted.length)})`, [utf8(id), ...sorted.map(utf8)]));
  };
  const byPart = (rows: readonly Row[], name: string): Row[] => rows.filter((row) => text(row, 'part') === name);
  // One owner's epochs as a list, and how many there are (see `hexEpochs`).
  const epochList = (table: string, key: string, alias: string): string =>
    `(SELECT GROUP_CONCAT(HEX(q.kind), ':', q.epoch, ';') FROM ${table} AS q WHERE q.${key} = s.${key} AND q.epoch > 0) AS ${alias},
     (SELECT COUNT(*) FROM ${table} AS q WHERE q.${key} = s.${key} AND q.epoch > 0) AS ${alias}_count`;
  const get = `SELECT ${SESSION_COLUMNS.map((column) => `s.${column}`).join(', ')}, ${epochList(t.epochs, 'user_id', 'epochs')},
    ${epochList(t.tenantEpochs, 'tenant_id', 'tenant_epochs')} FROM ${t.sessions} AS s WHERE s.id = ?`;

  const store: MysqlStore = {
    callTimeout: statementTimeout,
    async migrate() {
      if (closed) throw new SessionError('CLOSED', 'The MySQL session store was closed.');
      await migrate(db, t);
    },

    create: (newRecord, createOptions) => inTransaction('create', (connection) => signIn(connection, t, newRecord, createOptions)),

    // Validation: the session, its user's epochs and its tenant's, in one statement. Epochs
    // come as "hex(kind):epoch;" lists with their counts; a list cut short by
    // group_concat_max_len (a user with a dozen long kinds) is read again through the parts:
    // a second read, later, can only see epochs as high or higher (they never move back).
    get: (sessionId) =>
      run('get', async (connection) => {
        const id = utf8(sessionId);
        const [row] = await connection.rows(get, [id]);
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
      run('touch', async (connection) => {
        const { matched } = await connection.write(`UPDATE ${t.sessions} SET last_used_at = GREATEST(last_used_at, ?) WHERE id = ? AND revoked_at IS NULL`, [at, utf8(sessionId)]);
        return matched > 0;
      }),
    reauthenticate: (sessionId, at) =>
      run('reauthenticate', async (connection) => {
        const { matched } = await connection.write(`UPDATE ${t.sessions} SET authenticated_at = GREATEST(authenticated_at, ?) WHERE id = ? AND revoked_at IS NULL`, [at, utf8(sessionId)]);
        return matched > 0;
      }),

    // The row lock decides which of two concurrent revokes wins; the other finds a tombstone.
    revoke: (sessionId, revokeOptions) =>
      inTransaction('revoke', async (connection) => {
        const [row] = await connection.rows(`${part.sessions('s.id = ? AND s.revoked_at IS NULL')} FOR UPDATE`, [utf8(sessionId)]);
        if (row === undefined) return null;
        const before: SessionRecord = toRecord(row);
        await connection.write(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id = ?`, [revokeOptions.at, utf8(revokeOptions.reason), utf8(sessionId)]);
        await deny(connection, before.userId, [before.id], revokeOptions.denyUntil);
        await record(connection, revokeOptions.activity);
        return before;
      }),

    revokeAll: (userId, revokeOptions) =>
      inTransaction('revokeAll', async (connection) => {
        const epochs = await raise(connection, t.epochs, 'user_id', userId, revokeOptions.kinds, revokeOptions.at);
        await record(connection, revokeOptions.activity);
        return epochs;
      }),
    revokeTenant: (tenantId, revokeOptions) =>
      inTransaction('revokeTenant', async (connection) => {
        const epochs = await raise(connection, t.tenantEpochs, 'tenant_id', tenantId, revokeOptions.kinds, revokeOptions.at);
        await record(connection, revokeOptions.activity);
        return epochs;
      }),

    // Locks the user's epoch rows of the kinds first, as a sign-in does, then the live rows.
    revokeOthers: (userId, revokeOptions) =>
      inTransaction('revokeOthers', async (connection) => {
        const kinds = [...new Set(revokeOptions.kinds)].sort().map(utf8);
        const user = utf8(userId);
        await connection.rows(`SELECT kind FROM ${t.epochs} WHERE user_id = ? AND kind IN (${placeholders(kinds.length)}) ORDER BY kind FOR UPDATE`, [user, ...kinds]);
        const live = await connection.rows(
          `SELECT s.id FROM ${t.sessions} AS s WHERE s.user_id = ? AND s.id <> ? AND s.kind IN (${placeholders(kinds.length)})
             AND s.revoked_at IS NULL AND s.expires_at > ? AND ${afterTenantEpoch(t)}
             AND s.created_at > COALESCE((SELECT e.epoch FROM ${t.epochs} AS e WHERE e.user_id = s.user_id AND e.kind = s.kind), 0)
           ORDER BY s.id FOR UPDATE`,
          [user, utf8(revokeOptions.keepSessionId), ...kinds, revokeOptions.at],
        );
        const ids = live.map((row) => text(row, 'id'));
        if (ids.length > 0) {
          await connection.write(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id IN (${placeholders(ids.length)})`, [
            revokeOptions.at,
            utf8(revokeOptions.reason),
            ...ids.map(utf8),
          ]);
        }
        await deny(connection, userId, ids, revokeOptions.denyUntil);
        // One entry for the call, even when it found nothing to revoke.
        await record(connection, revokeOptions.activity);
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

    // Everything that names the user; epochs and high-water marks stay.
    eraseUser: (userId) =>
      inTransaction('eraseUser', async (connection) => {
        const user = [utf8(userId)];
        const { matched } = await connection.write(`DELETE FROM ${t.sessions} WHERE user_id = ?`, user);
        for (const table of [t.denied, t.activity, t.devices, t.links]) await connection.write(`DELETE FROM ${table} WHERE user_id = ?`, user);
        return matched;
      }),

    // One instance at a time (a named lock, not waited for); each batch deletes at most
    // `limit` rows oldest first through an index, in READ COMMITTED: only the deleted rows are
    // locked, so sign-ins never wait for a prune.
    prune: (pruneOptions) => {
      const limit = Math.floor(pruneOptions.limit);
      if (!(limit > 0)) return Promise.resolve(0);
      const lock = "CONCAT('sr:prune:', SHA1(CONCAT(DATABASE(), '.', ?)))";
      return run('prune', async (connection) => {
        const [got] = await connection.rows(`SELECT GET_LOCK(${lock}, 0) AS locked`, [t.prefix]);
        if (millis(got!, 'locked') !== 1) return 0;
        try {
          return await connection.transaction(async () => {
            // The limit is a validated integer: LIMIT takes it as text, in every server version.
            const batch = (table: string, column: string, bound: number, size: number) =>
              connection.write(`DELETE FROM ${table} WHERE ${column} <= ? ORDER BY ${column} LIMIT ${size}`, [bound]);
            const { matched: deleted } = await batch(t.sessions, 'expires_at', pruneOptions.now, limit);
            await batch(t.denied, 'until', pruneOptions.now, limit);
            // Entries, devices and links share one more batch between them, in that order.
            let left = limit;
            if (pruneOptions.activityBefore !== undefined) left -= (await batch(t.activity, 'at', pruneOptions.activityBefore, left)).matched;
            if (pruneOptions.devicesBefore !== undefined && left > 0) left -= (await batch(t.devices, 'last_seen_at', pruneOptions.devicesBefore, left)).matched;
            if (left > 0) await batch(t.links, 'expires_at', pruneOptions.now, left);
            return deleted;
          });
        } finally {
          // A failure here must not hide the prune's own; a broken connection is closed, and its lock with it.
          await connection.rows(`SELECT RELEASE_LOCK(${lock}) AS released`, [t.prefix]).catch(() => undefined);
        }
      });
    },

    ...capabilities({ names: t, run, inTransaction }),

    async close() {
      closed = true;
    },
  };
  return store;
}
