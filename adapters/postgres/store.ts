import { SessionError } from '../../src/errors.js';
import { STORE_LIMITS } from '../../src/store.js';
import type {
  CreateOptions,
  CreateResult,
  Epochs,
  NewSessionRecord,
  PruneOptions,
  RevocationState,
  RevokeAllOptions,
  RevokeOptions,
  RevokeOthersOptions,
  RevokeTenantOptions,
  SessionLookup,
  SessionRecord,
  UserSessions,
} from '../../src/store.js';
import { capabilities } from './capabilities.js';
import type { PostgresStore } from './store-type.js';
import { database, type TextRow } from './connection.js';
import { SESSION_LIMIT_STATE, sqlState } from './errors.js';
import { migrate } from './migrate.js';
import { postgresFederated } from './federated.js';
import { notifications, type Notifications } from './notifications.js';
import { notifications as postgresJsNotifications } from './notifications-postgres-js.js';
import { isPostgresJs, resolvePostgresOptions, type PostgresClient, type PostgresStoreOptions } from './options.js';
import { postgresJsPool } from './postgres-js.js';
import { queries } from './queries.js';
import {
  activityJson,
  capText,
  requiredText,
  toMillis,
  toNestedNumberMap,
  toNumberMap,
  toRecord,
  toStringList,
} from './rows.js';

export type { PostgresStore } from './store-type.js';


/**
 * A session store on PostgreSQL (node-postgres `pg` 8 or postgres.js 3.4), for apps that
 * already run it and several instances sharing sessions.
 *
 * Validation is one statement (the session, its user's epochs and its tenant's); sign-in is
 * one statement (a function `migrate()` installs, which also enforces `maxSessions` under the
 * lock on the user's epoch row); revocations are single statements that also `pg_notify`, so
 * every instance's manager drops its cached epochs at once, and write their activity entry in
 * the same statement; re-authentication is one `UPDATE`.
 * Pruning deletes one bounded batch per call, one instance at a time. Behind a transaction pooler (PgBouncer
 * `pool_mode = transaction`), pass `preparedStatements: false` and `listen: { pool }` or
 * `listen: false`.
 *
 * `eraseUser` deletes the user's rows in one transaction: from then on no query, replica or
 * logical backup taken afterwards returns them. Their bytes stay in the table's pages as dead
 * tuples until `VACUUM` (or autovacuum) reclaims the space, and in the WAL and physical backups
 * until those are recycled: the store owns neither the server nor its backups, so it promises
 * no more. Where a deletion request needs the bytes gone, run `VACUUM` on the store's tables
 * after erasing and expire WAL archives and base backups on your retention schedule.
 *
 * @param options - The app's `pg.Pool` or postgres.js client, and optionally schema, table,
 * statement timeout, prepared statements, LISTEN.
 * @returns A {@link PostgresStore}. Call `migrate()` once at startup (or apply `schema.sql`).
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option, a missing
 * client, a schema or table name that is not a plain lower-case identifier, a bad
 * `statementTimeout`, or a `listen` / `preparedStatements` of the wrong type. Its methods
 * reject with `STORE_UNAVAILABLE` when PostgreSQL is unreachable or slower than the timeout.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSessionManager } from 'session-revocation';
 * import { postgresStore } from 'session-revocation/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = postgresStore({ pool });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const { pool, names, statementTimeout, preparedStatements, listenPool } = resolvePostgresOptions(options);
  const db = database(isPostgresJs(pool) ? postgresJsPool(pool) : pool, { timeoutMs: statementTimeout, preparedStatements });
  const sql = queries(names);
  const notices = listenerOn(listenPool, names.channel, statementTimeout);
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The PostgreSQL session store was closed.');
  };

  const store: PostgresStore = {
    callTimeout: statementTimeout,
    async migrate() {
      ensureOpen();
      await migrate(db, names);
    },

    async create(record: NewSessionRecord, createOptions: CreateOptions): Promise<CreateResult> {
      ensureOpen();
      const userAgent = capText(record.userAgent, STORE_LIMITS.userAgentLength);
      const ip = capText(record.ip, STORE_LIMITS.ipLength);
      const replaceKey = createOptions.replaceDevice && record.deviceKey !== undefined ? record.deviceKey : null;
      const { limit } = createOptions;
      const persistent = record.persistent === false ? false : undefined;
      const { rows } = await db.run('create', (connection) =>
        connection
          .query(sql.create, [
            record.id,
            record.userId,
            record.tenantId ?? null,
            record.kind,
            Buffer.from(record.secretHash).toString('hex'),
            record.createdAt,
            record.authenticatedAt,
            record.maxAge,
            record.deviceKey ?? null,
            record.browser ?? null,
            record.os ?? null,
            record.deviceType ?? null,
            userAgent ?? null,
            ip ?? null,
            record.data === undefined ? null : JSON.stringify(record.data),
            persistent ?? null,
            replaceKey,
            createOptions.denyUntil ?? null,
            limit?.max ?? null,
            limit === undefined ? null : limit.onLimit === 'refuse',
            limit?.idleBefore ?? null,
            names.channel,
            statementTimeout,
            record.impersonatorId ?? null,
            record.impersonatorSessionId ?? null,
            activityJson(createOptions.activity),
          ])
          .catch((error: unknown) => {
            const state = sqlState(error);
            // The only unique key the insert can break is the session id (an entry whose id is
            // there already is left as it is).
            if (state === '23505') throw new SessionError('INVALID_INPUT', 'A session with this id already exists.', { cause: error });
            if (state === SESSION_LIMIT_STATE) throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.', { cause: error });
            throw error;
          }),
      );
      const createdAt = toMillis(requiredText(rows[0], 'session_created_at'));
      const session: SessionRecord = {
        id: record.id,
        userId: record.userId,
        tenantId: record.tenantId,
        kind: record.kind,
        secretHash: record.secretHash,
        createdAt,
        expiresAt: createdAt + record.maxAge,
        lastUsedAt: createdAt,
        authenticatedAt: record.authenticatedAt,
        persistent,
        deviceKey: record.deviceKey,
        browser: record.browser,
        os: record.os,
        deviceType: record.deviceType,
        userAgent,
        ip,
        data: record.data === undefined ? undefined : structuredClone(record.data),
        impersonatorId: record.impersonatorId,
        impersonatorSessionId: record.impersonatorSessionId,
      };
      return { session, replacedIds: toStringList(rows[0]?.['replaced_ids']), evictedIds: toStringList(rows[0]?.['evicted_ids']) };
    },

    async get(sessionId: string): Promise<SessionLookup | null> {
      ensureOpen();
      const { rows } = await db.run('get', (connection) => connection.query(sql.get, [sessionId]));
      const row = rows[0];
      if (row === undefined) return null;
      const session = toRecord(row);
      const lookup: SessionLookup = { session, epochs: toNumberMap(row['epochs']) };
      return session.tenantId === undefined ? lookup : { ...lookup, tenantEpochs: toNumberMap(row['tenant_epochs']) };
    },

    async touch(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const { rowCount } = await db.run('touch', (connection) => connection.query(sql.touch, [sessionId, at]));
      return rowCount > 0;
    },

    async reauthenticate(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const { rowCount } = await db.run('reauthenticate', (connection) => connection.query(sql.reauthenticate, [sessionId, at]));
      return rowCount > 0;
    },

    async revoke(sessionId: string, revokeOptions: RevokeOptions): Promise<SessionRecord | null> {
      ensureOpen();
      const { rows } = await db.run('revoke', (connection) =>
        connection.query(sql.revoke, [
          sessionId,
          revokeOptions.at,
          revokeOptions.reason,
          revokeOptions.denyUntil ?? null,
          names.channel,
          activityJson(revokeOptions.activity),
        ]),
      );
      const row = rows[0];
      // RETURNING shows the row after the update; before it, it was not revoked.
      return row === undefined ? null : { ...toRecord(row), revokedAt: undefined, revokedReason: undefined };
    },

    async revokeAll(userId: string, revokeOptions: RevokeAllOptions): Promise<Epochs> {
      ensureOpen();
      const kinds = [...new Set(revokeOptions.kinds)].sort();
      const { rows } = await db.run('revokeAll', (connection) =>
        connection.query(sql.revokeAll, [userId, kinds, revokeOptions.at, names.channel, activityJson(revokeOptions.activity)]),
      );
      return epochsOf(rows);
    },

    async revokeTenant(tenantId: string, revokeOptions: RevokeTenantOptions): Promise<Epochs> {
      ensureOpen();
      const kinds = [...new Set(revokeOptions.kinds)].sort();
      const { rows } = await db.run('revokeTenant', (connection) =>
        connection.query(sql.revokeTenant, [tenantId, kinds, revokeOptions.at, names.channel, activityJson(revokeOptions.activity)]),
      );
      return epochsOf(rows);
    },

    async revokeOthers(userId: string, revokeOptions: RevokeOthersOptions): Promise<readonly string[]> {
      ensureOpen();
      const { rows } = await db.run('revokeOthers', (connection) =>
        connection.query(sql.revokeOthers, [
          userId,
          [...revokeOptions.kinds],
          revokeOptions.at,
          revokeOptions.reason,
          revokeOptions.keepSessionId,
          revokeOptions.denyUntil ?? null,
          names.channel,
          activityJson(revokeOptions.activity),
        ]),
      );
      return rows.map((row) => row['id']!);
    },

    async listByUser(userId: string): Promise<UserSessions> {
      ensureOpen();
      const { rows } = await db.run('listByUser', (connection) => connection.query(sql.list, [userId]));
      const sessions: SessionRecord[] = [];
      for (const row of rows) if (row['id'] !== null) sessions.push(toRecord(row));
      return { sessions, epochs: toNumberMap(rows[0]?.['epochs']), tenantEpochs: toNestedNumberMap(rows[0]?.['tenant_epochs']) };
    },

    async getRevocationState(userId: string, tenantId?: string): Promise<RevocationState> {
      ensureOpen();
      const { rows } = await db.run('getRevocationState', (connection) => connection.query(sql.revocationState, [userId, tenantId ?? null]));
      const state: RevocationState = { epochs: toNumberMap(rows[0]?.['epochs']), denied: toNumberMap(rows[0]?.['denied']) };
      return tenantId === undefined ? state : { ...state, tenantEpochs: toNumberMap(rows[0]?.['tenant_epochs']) };
    },

    async eraseUser(userId: string): Promise<number> {
      ensureOpen();
      const { rows } = await db.run('eraseUser', (connection) => connection.query(sql.eraseUser, [userId]));
      return Number(rows[0]?.['deleted'] ?? 0);
    },

    async prune(pruneOptions: PruneOptions): Promise<number> {
      ensureOpen();
      const limit = Math.floor(pruneOptions.limit);
      if (!(limit > 0)) return 0;
      return db.run('prune', (connection) =>
        connection.transaction(async () => {
          const { rows } = await connection.query(sql.tryPruneLock, [names.pruneLockKey]);
          // Another instance is pruning these tables right now: leave the work to it.
          if (rows[0]?.['locked'] !== 't') return 0;
          const deleted = await connection.query(sql.prune, [
            pruneOptions.now,
            limit,
            pruneOptions.activityBefore ?? null,
            pruneOptions.devicesBefore ?? null,
          ]);
          return Number(deleted.rows[0]?.['deleted'] ?? 0);
        }),
      );
    },

    ...capabilities(db, sql, ensureOpen),

    ...postgresFederated(db, names, ensureOpen),

    async close() {
      closed = true;
      await notices?.close();
    },
  };
  if (notices !== undefined) store.subscribe = (listener, onResync) => notices.subscribe(listener, onResync);
  return store;
}

/** Kind to epoch from `RETURNING kind, epoch` rows. */
function epochsOf(rows: readonly TextRow[]): Epochs {
  // No prototype: a kind named `__proto__` is a key like any other.
  const epochs: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const row of rows) epochs[requiredText(row, 'kind')] = toMillis(requiredText(row, 'epoch'));
  return epochs;
}

/** LISTEN on the pool the options name, with the client's own mechanism; none when not listening. */
function listenerOn(pool: PostgresClient | undefined, channel: string, timeoutMs: number): Notifications | undefined {
  if (pool === undefined) return undefined;
  return isPostgresJs(pool) ? postgresJsNotifications(pool, channel, timeoutMs) : notifications(pool, channel, timeoutMs);
}
