import type BetterSqlite3 from 'better-sqlite3';
import { SESSION_COLUMNS, type SessionRow, type SessionRowWithEpochs } from './rows.js';
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
}

/** Named parameters of the device replacement inside create. */
export interface ReplaceParams {
  readonly at: number;
  readonly userId: string;
  readonly kind: string;
  readonly deviceKey: string;
  readonly epoch: number;
}

/** Named parameters of the session cap's read inside create. */
export interface CountedParams {
  readonly userId: string;
  readonly kind: string;
  readonly epoch: number;
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

/** Every statement the store runs, prepared once per store. */
export interface Statements {
  /** The validation read: a session and its user's epochs, one statement. */
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
}

/** Prepares the statements of one store; the tables must exist. */
export function prepareStatements(db: BetterSqlite3.Database, t: TableNames): Statements {
  const epochsJson = `(SELECT json_group_object(e.kind, e.epoch) FROM ${t.epochs} AS e WHERE e.user_id = s.user_id AND e.epoch IS NOT NULL)`;
  return {
    get: db.prepare<[string], SessionRowWithEpochs>(`SELECT ${prefixed('s', SESSION_COLUMNS)}, ${epochsJson} AS epochs FROM ${t.sessions} AS s WHERE s.id = ?`),
    epochOf: db.prepare<[string, string], number | null>(`SELECT epoch FROM ${t.epochs} WHERE user_id = ? AND kind = ?`).pluck(),
    insert: db.prepare<InsertParams>(
      `INSERT INTO ${t.sessions} (id, user_id, tenant_id, kind, secret_hash, created_at, expires_at, last_used_at,
         device_key, browser, os, device_type, user_agent, ip, data, authenticated_at, persistent)
       VALUES (@id, @userId, @tenantId, @kind, @secretHash, @createdAt, @expiresAt, @createdAt,
         @deviceKey, @browser, @os, @deviceType, @userAgent, @ip, @data, @authenticatedAt, @persistent)`,
    ),
    // Live rows only: not revoked by row or by epoch, not expired when the new one starts.
    replaceDevice: db
      .prepare<ReplaceParams, string>(
        `UPDATE ${t.sessions} SET revoked_at = @at, revoked_reason = 'replaced'
         WHERE user_id = @userId AND kind = @kind AND device_key = @deviceKey AND revoked_at IS NULL
           AND created_at > @epoch AND expires_at > @at
         RETURNING id`,
      )
      .pluck(),
    // The live, non-idle sessions of the user and kind, in eviction order (least recently
    // used, then oldest, then id in byte order). Rows replaced just before are revoked already.
    counted: db
      .prepare<CountedParams, string>(
        `SELECT id FROM ${t.sessions}
         WHERE user_id = @userId AND kind = @kind AND revoked_at IS NULL
           AND created_at > @epoch AND expires_at > @at AND last_used_at > @idleBefore
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
        `UPDATE ${t.sessions} SET revoked_at = @at, revoked_reason = @reason
         WHERE user_id = @userId AND id <> @keep AND revoked_at IS NULL AND expires_at > @at
           AND kind IN (SELECT value FROM json_each(@kinds))
           AND created_at > coalesce(
             (SELECT e.epoch FROM ${t.epochs} AS e WHERE e.user_id = ${t.sessions}.user_id AND e.kind = ${t.sessions}.kind), 0)
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
  };
}

function prefixed(alias: string, columns: string): string {
  return columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}
