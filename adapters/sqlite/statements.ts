import type BetterSqlite3 from 'better-sqlite3';
import { ACTIVITY_COLUMNS, type ActivityRow, type LinkRow, SESSION_COLUMNS, type SessionRow, type SessionRowWithEpochs } from './rows.js';
import type { TableNames } from './schema.js';

type Statement<Params extends unknown[] | object, Result = unknown> = BetterSqlite3.Statement<
  Params extends unknown[] ? Params : [Params],
  Result
>;

/** Named parameters of the session insert. */
export interface InsertParams {
  readonly id: string;
  readonly userId: string;
  readonly tenantId: string | null;
  readonly kind: string;
  readonly secretHash: Buffer;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly authenticatedAt: number;
  /** 0 for a session-only cookie, NULL otherwise. */
  readonly persistent: 0 | null;
  readonly deviceKey: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly deviceType: string | null;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly data: string | null;
  readonly impersonatorId: string | null;
  readonly impersonatorSessionId: string | null;
}

/** Named parameters of the device replacement inside create. */
export interface ReplaceParams {
  readonly at: number;
  readonly userId: string;
  /** The sign-in's tenant: only its sessions (NULL: only those without one) are replaced. */
  readonly tenantId: string | null;
  readonly kind: string;
  readonly deviceKey: string;
  readonly epoch: number;
  /** That tenant's epoch of the kind (0 without a tenant). */
  readonly tenantEpoch: number;
}

/** Named parameters of the session cap's read inside create. */
export interface CountedParams {
  readonly userId: string;
  /** The sign-in's tenant: only its sessions (NULL: only those without one) count. */
  readonly tenantId: string | null;
  readonly kind: string;
  readonly epoch: number;
  /** That tenant's epoch of the kind (0 without a tenant). */
  readonly tenantEpoch: number;
  readonly at: number;
  readonly idleBefore: number;
}

/** Named parameters of revokeOthers. */
export interface RevokeOthersParams {
  readonly at: number;
  readonly reason: string;
  readonly userId: string;
  readonly keep: string;
  /** JSON array of kinds, read with json_each so one statement fits any number of kinds. */
  readonly kinds: string;
}

/** Named parameters of listActivity's reads. */
export interface ActivityPageParams {
  readonly userId: string;
  /** Only in the statements that merge a tenant's own entries. */
  readonly tenantId?: string;
  /** Only in the statements with a cursor. */
  readonly before?: string;
  readonly limit: number;
}

/** Every statement the store runs, prepared once per store. */
export interface Statements {
  /** The validation read: a session, its user's epochs and its tenant's epochs, one statement. */
  readonly get: Statement<[id: string], SessionRowWithEpochs>;
  readonly epochOf: Statement<[userId: string, kind: string], number | null>;
  readonly insert: Statement<InsertParams>;
  readonly replaceDevice: Statement<ReplaceParams, string>;
  readonly counted: Statement<CountedParams, string>;
  readonly evict: Statement<[at: number, id: string]>;
  readonly raiseHighWater: Statement<[userId: string, kind: string, createdAt: number]>;
  readonly raiseEpochs: Statement<[userId: string, at: number, kinds: string], { kind: string; epoch: number }>;
  readonly touch: Statement<[at: number, id: string]>;
  readonly reauthenticate: Statement<[at: number, id: string]>;
  readonly revoke: Statement<[at: number, reason: string, id: string], SessionRow>;
  readonly revokeOthers: Statement<RevokeOthersParams, string>;
  readonly deny: Statement<[sessionId: string, userId: string, until: number]>;
  readonly sessionsOf: Statement<[userId: string], SessionRow>;
  readonly epochsOf: Statement<[userId: string], { kind: string; epoch: number }>;
  readonly deniedOf: Statement<[userId: string], { session_id: string; until: number }>;
  readonly eraseSessions: Statement<[userId: string]>;
  readonly eraseDenied: Statement<[userId: string]>;
  readonly pruneSessions: Statement<[now: number, limit: number]>;
  readonly pruneDenied: Statement<[now: number, limit: number]>;
  readonly tenantEpochOf: Statement<[tenantId: string, kind: string], number | null>;
  readonly raiseTenantHighWater: Statement<[tenantId: string, kind: string, createdAt: number]>;
  readonly raiseTenantEpochs: Statement<[tenantId: string, at: number, kinds: string], { kind: string; epoch: number }>;
  /** The epochs of every tenant named by one of the user's rows. */
  readonly tenantEpochsOfUser: Statement<[userId: string], { tenant_id: string; kind: string; epoch: number }>;
  readonly tenantEpochsOf: Statement<[tenantId: string], { kind: string; epoch: number }>;
  readonly insertActivity: Statement<ActivityRow>;
  /** listActivity's read, by [with tenant][with cursor]. */
  readonly activityPage: readonly [
    readonly [Statement<ActivityPageParams, ActivityRow>, Statement<ActivityPageParams, ActivityRow>],
    readonly [Statement<ActivityPageParams, ActivityRow>, Statement<ActivityPageParams, ActivityRow>],
  ];
  readonly deviceSeen: Statement<[userId: string, deviceHash: string], number | null>;
  readonly rememberDevice: Statement<[userId: string, deviceHash: string, at: number]>;
  readonly devicesOf: Statement<[userId: string], { device_hash: string; last_seen_at: number }>;
  readonly insertLink: Statement<LinkRow>;
  readonly linkOf: Statement<[id: string], LinkRow>;
  readonly deleteLink: Statement<[id: string]>;
  readonly stats: Statement<{ now: number }, { kind: string; live: number; revoked: number; expired: number }>;
  readonly eraseActivity: Statement<[userId: string]>;
  readonly eraseDevices: Statement<[userId: string]>;
  readonly eraseLinks: Statement<[userId: string]>;
  readonly pruneActivity: Statement<[before: number, limit: number]>;
  readonly pruneDevices: Statement<[before: number, limit: number]>;
  readonly pruneLinks: Statement<[now: number, limit: number]>;
}

/** Prepares the statements of one store; the tables must exist. */
export function prepareStatements(db: BetterSqlite3.Database, t: TableNames): Statements {
  const epochsJson = `(SELECT json_group_object(e.kind, e.epoch) FROM ${t.epochs} AS e WHERE e.user_id = s.user_id AND e.epoch IS NOT NULL)`;
  // A row without a tenant matches nothing here (NULL = NULL is not true): '{}'.
  const tenantEpochsJson = `(SELECT json_group_object(te.kind, te.epoch) FROM ${t.tenantEpochs} AS te WHERE te.tenant_id = s.tenant_id AND te.epoch IS NOT NULL)`;
  // Semantics 11 wherever the store decides liveness: a row with a tenant must also be
  // younger than its tenant's epoch of its kind (a missing epoch counting as 0).
  const afterTenantEpoch = (alias: string): string =>
    `${alias}.created_at > coalesce((SELECT te.epoch FROM ${t.tenantEpochs} AS te WHERE te.tenant_id = ${alias}.tenant_id AND te.kind = ${alias}.kind), 0)`;
  return {
    get: db.prepare<[string], SessionRowWithEpochs>(
      `SELECT ${prefixed('s', SESSION_COLUMNS)}, ${epochsJson} AS epochs, ${tenantEpochsJson} AS tenant_epochs FROM ${t.sessions} AS s WHERE s.id = ?`,
    ),
    epochOf: db.prepare<[string, string], number | null>(`SELECT epoch FROM ${t.epochs} WHERE user_id = ? AND kind = ?`).pluck(),
    insert: db.prepare<InsertParams>(
      `INSERT INTO ${t.sessions} (id, user_id, tenant_id, kind, secret_hash, created_at, expires_at, last_used_at,
         device_key, browser, os, device_type, user_agent, ip, data, authenticated_at, persistent, impersonator_id,
         impersonator_session_id)
       VALUES (@id, @userId, @tenantId, @kind, @secretHash, @createdAt, @expiresAt, @createdAt,
         @deviceKey, @browser, @os, @deviceType, @userAgent, @ip, @data, @authenticatedAt, @persistent, @impersonatorId,
         @impersonatorSessionId)`,
    ),
    // Live rows of the sign-in's tenant only (`IS` matches NULL to NULL): not revoked by row,
    // by user epoch or by that tenant's epoch, not expired when the new one starts.
    replaceDevice: db
      .prepare<ReplaceParams, string>(
        `UPDATE ${t.sessions} SET revoked_at = @at, revoked_reason = 'replaced'
         WHERE user_id = @userId AND kind = @kind AND device_key = @deviceKey AND tenant_id IS @tenantId AND revoked_at IS NULL
           AND created_at > @epoch AND created_at > @tenantEpoch AND expires_at > @at
         RETURNING id`,
      )
      .pluck(),
    // The live, non-idle sessions of the user, kind and tenant, in eviction order (least
    // recently used, then oldest, then id in byte order). Rows replaced just before are revoked already.
    counted: db
      .prepare<CountedParams, string>(
        `SELECT id FROM ${t.sessions}
         WHERE user_id = @userId AND kind = @kind AND tenant_id IS @tenantId AND revoked_at IS NULL
           AND created_at > @epoch AND created_at > @tenantEpoch AND expires_at > @at AND last_used_at > @idleBefore
         ORDER BY last_used_at, created_at, id`,
      )
      .pluck(),
    evict: db.prepare<[number, string]>(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = 'session_limit' WHERE id = ?`),
    raiseHighWater: db.prepare<[string, string, number]>(
      `INSERT INTO ${t.epochs} (user_id, kind, epoch, high_water) VALUES (?, ?, NULL, ?)
       ON CONFLICT (user_id, kind) DO UPDATE SET high_water = max(high_water, excluded.high_water)`,
    ),
    // multi-argument max() is NULL if any argument is, hence coalesce for a kind never revoked.
    raiseEpochs: db.prepare<[string, number, string], { kind: string; epoch: number }>(
      `INSERT INTO ${t.epochs} (user_id, kind, epoch, high_water)
       SELECT ?, value, ?, 0 FROM json_each(?) WHERE true
       ON CONFLICT (user_id, kind) DO UPDATE SET epoch = max(coalesce(epoch, 0), excluded.epoch, high_water)
       RETURNING kind, epoch`,
    ),
    touch: db.prepare<[number, string]>(`UPDATE ${t.sessions} SET last_used_at = max(last_used_at, ?) WHERE id = ? AND revoked_at IS NULL`),
    // A row an older version wrote may hold NULL (its created_at), and max() with a NULL is NULL.
    reauthenticate: db.prepare<[number, string]>(
      `UPDATE ${t.sessions} SET authenticated_at = max(coalesce(authenticated_at, created_at), ?) WHERE id = ? AND revoked_at IS NULL`,
    ),
    revoke: db.prepare<[number, string, string], SessionRow>(
      `UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL RETURNING ${SESSION_COLUMNS}`,
    ),
    revokeOthers: db
      .prepare<RevokeOthersParams, string>(
        `UPDATE ${t.sessions} AS s SET revoked_at = @at, revoked_reason = @reason
         WHERE user_id = @userId AND id <> @keep AND revoked_at IS NULL AND expires_at > @at
           AND kind IN (SELECT value FROM json_each(@kinds))
           AND created_at > coalesce((SELECT e.epoch FROM ${t.epochs} AS e WHERE e.user_id = s.user_id AND e.kind = s.kind), 0)
           AND ${afterTenantEpoch('s')}
         RETURNING id`,
      )
      .pluck(),
    deny: db.prepare<[string, string, number]>(
      `INSERT INTO ${t.denied} (session_id, user_id, until) VALUES (?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET until = max(until, excluded.until)`,
    ),
    sessionsOf: db.prepare<[string], SessionRow>(`SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_id = ?`),
    epochsOf: db.prepare<[string], { kind: string; epoch: number }>(`SELECT kind, epoch FROM ${t.epochs} WHERE user_id = ? AND epoch IS NOT NULL`),
    deniedOf: db.prepare<[string], { session_id: string; until: number }>(`SELECT session_id, until FROM ${t.denied} WHERE user_id = ?`),
    eraseSessions: db.prepare<[string]>(`DELETE FROM ${t.sessions} WHERE user_id = ?`),
    eraseDenied: db.prepare<[string]>(`DELETE FROM ${t.denied} WHERE user_id = ?`),
    // Oldest expiry first through the expiry index; LIMIT keeps each call one short batch.
    pruneSessions: db.prepare<[number, number]>(
      `DELETE FROM ${t.sessions} WHERE rowid IN (SELECT rowid FROM ${t.sessions} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    ),
    pruneDenied: db.prepare<[number, number]>(
      `DELETE FROM ${t.denied} WHERE rowid IN (SELECT rowid FROM ${t.denied} WHERE until <= ? ORDER BY until LIMIT ?)`,
    ),
    tenantEpochOf: db.prepare<[string, string], number | null>(`SELECT epoch FROM ${t.tenantEpochs} WHERE tenant_id = ? AND kind = ?`).pluck(),
    raiseTenantHighWater: db.prepare<[string, string, number]>(
      `INSERT INTO ${t.tenantEpochs} (tenant_id, kind, epoch, high_water) VALUES (?, ?, NULL, ?)
       ON CONFLICT (tenant_id, kind) DO UPDATE SET high_water = max(high_water, excluded.high_water)`,
    ),
    // One row per named kind, however many users and sessions the tenant has.
    raiseTenantEpochs: db.prepare<[string, number, string], { kind: string; epoch: number }>(
      `INSERT INTO ${t.tenantEpochs} (tenant_id, kind, epoch, high_water)
       SELECT ?, value, ?, 0 FROM json_each(?) WHERE true
       ON CONFLICT (tenant_id, kind) DO UPDATE SET epoch = max(coalesce(epoch, 0), excluded.epoch, high_water)
       RETURNING kind, epoch`,
    ),
    tenantEpochsOfUser: db.prepare<[string], { tenant_id: string; kind: string; epoch: number }>(
      `SELECT tenant_id, kind, epoch FROM ${t.tenantEpochs}
       WHERE tenant_id IN (SELECT tenant_id FROM ${t.sessions} WHERE user_id = ? AND tenant_id IS NOT NULL) AND epoch IS NOT NULL`,
    ),
    tenantEpochsOf: db.prepare<[string], { kind: string; epoch: number }>(`SELECT kind, epoch FROM ${t.tenantEpochs} WHERE tenant_id = ? AND epoch IS NOT NULL`),
    insertActivity: db.prepare<ActivityRow>(
      `INSERT INTO ${t.activity} (${ACTIVITY_COLUMNS})
       VALUES (@id, @user_id, @tenant_id, @type, @at, @reason, @session_id, @device_label, @ip, @by)`,
    ),
    activityPage: [
      // Stryker disable next-line BooleanLiteral: the first page with a tenant of NULL merges no entry, so it answers the same (the tests kill the other three literals on this line).
      [prepareActivityPage(db, t, false, false), prepareActivityPage(db, t, false, true)],
      [prepareActivityPage(db, t, true, false), prepareActivityPage(db, t, true, true)],
    ],
    deviceSeen: db.prepare<[string, string], number | null>(`SELECT last_seen_at FROM ${t.devices} WHERE user_id = ? AND device_hash = ?`).pluck(),
    rememberDevice: db.prepare<[string, string, number]>(
      `INSERT INTO ${t.devices} (user_id, device_hash, last_seen_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id, device_hash) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    ),
    devicesOf: db.prepare<[string], { device_hash: string; last_seen_at: number }>(`SELECT device_hash, last_seen_at FROM ${t.devices} WHERE user_id = ?`),
    insertLink: db.prepare<LinkRow>(
      `INSERT INTO ${t.links} (id, secret_hash, user_id, session_id, expires_at, device_key, tenant_id)
       VALUES (@id, @secret_hash, @user_id, @session_id, @expires_at, @device_key, @tenant_id)`,
    ),
    linkOf: db.prepare<[string], LinkRow>(`SELECT id, secret_hash, user_id, session_id, expires_at, device_key, tenant_id FROM ${t.links} WHERE id = ?`),
    deleteLink: db.prepare<[string]>(`DELETE FROM ${t.links} WHERE id = ?`),
    // One scan of the sessions, for operators only: the three counts are disjoint.
    stats: db.prepare<{ now: number }, { kind: string; live: number; revoked: number; expired: number }>(
      `SELECT kind,
         sum(revoked_at IS NULL AND expires_at > @now) AS live,
         sum(revoked_at IS NOT NULL AND expires_at > @now) AS revoked,
         sum(expires_at <= @now) AS expired
       FROM ${t.sessions} GROUP BY kind`,
    ),
    eraseActivity: db.prepare<[string]>(`DELETE FROM ${t.activity} WHERE user_id = ?`),
    eraseDevices: db.prepare<[string]>(`DELETE FROM ${t.devices} WHERE user_id = ?`),
    eraseLinks: db.prepare<[string]>(`DELETE FROM ${t.links} WHERE user_id = ?`),
    // Bounded like the sessions: oldest first through the time index, LIMIT rows per call.
    pruneActivity: db.prepare<[number, number]>(
      `DELETE FROM ${t.activity} WHERE rowid IN (SELECT rowid FROM ${t.activity} WHERE at <= ? ORDER BY at LIMIT ?)`,
    ),
    pruneDevices: db.prepare<[number, number]>(
      `DELETE FROM ${t.devices} WHERE rowid IN (SELECT rowid FROM ${t.devices} WHERE last_seen_at <= ? ORDER BY last_seen_at LIMIT ?)`,
    ),
    pruneLinks: db.prepare<[number, number]>(
      `DELETE FROM ${t.links} WHERE rowid IN (SELECT rowid FROM ${t.links} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    ),
  };
}

function prefixed(alias: string, columns: string): string {
  return columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

// One page of entries, newest first. The user's entries and the tenant's own ones are two
// index range scans, each cut to the page size, merged by a last sort of at most two pages:
// an OR in one WHERE would keep SQLite from walking either index in order. The cursor is a
// range bound of both scans, so a deep page costs what the first one does.
function prepareActivityPage(
  db: BetterSqlite3.Database,
  t: TableNames,
  withTenant: boolean,
  withCursor: boolean,
): Statement<ActivityPageParams, ActivityRow> {
  const cursor = withCursor ? ' AND id < @before' : '';
  const own = `SELECT ${ACTIVITY_COLUMNS} FROM ${t.activity} WHERE user_id = @userId${cursor} ORDER BY id DESC LIMIT @limit`;
  // Stryker disable next-line ConditionalExpression: the merge with a tenant of NULL adds no entry, so it answers the same (the tests kill the opposite, tenant entries never merged).
  if (!withTenant) return db.prepare<ActivityPageParams, ActivityRow>(own);
  const tenant = `SELECT ${ACTIVITY_COLUMNS} FROM ${t.activity} WHERE user_id IS NULL AND tenant_id = @tenantId${cursor} ORDER BY id DESC LIMIT @limit`;
  return db.prepare<ActivityPageParams, ActivityRow>(
    `SELECT * FROM (SELECT * FROM (${own}) UNION ALL SELECT * FROM (${tenant})) ORDER BY id DESC LIMIT @limit`,
  );
}
