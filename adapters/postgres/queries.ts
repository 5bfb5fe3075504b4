import { createHash } from 'node:crypto';
import type { Statement } from './connection.js';
import type { TableNames } from './identifiers.js';
import { ACTIVITY_RECORD } from './schema.js';

/** Every statement the store runs, written once per store for its table names. */
export interface Queries {
  readonly get: Statement;
  readonly create: Statement;
  readonly touch: Statement;
  readonly reauthenticate: Statement;
  readonly revoke: Statement;
  readonly revokeAll: Statement;
  readonly revokeOthers: Statement;
  readonly list: Statement;
  readonly revocationState: Statement;
  readonly eraseUser: Statement;
  readonly tryPruneLock: Statement;
  readonly prune: Statement;
  readonly revokeTenant: Statement;
  readonly appendActivity: Statement;
  readonly listActivity: Statement;
  readonly rememberDevice: Statement;
  readonly listDevices: Statement;
  readonly saveLink: Statement;
  readonly consumeLink: Statement;
  readonly stats: Statement;
}

/**
 * The session columns, in the shape `rows.ts` parses (the hash as hex: independent of
 * bytea_output). A NULL authenticated_at reads as the sign-in: the last proof.
 */
const COLUMNS = `s.id, s.user_id, s.tenant_id, s.kind, encode(s.secret_hash, 'hex') AS secret_hash, s.created_at,
  s.last_used_at, s.expires_at, s.device_key, s.browser, s.os, s.device_type, s.user_agent, s.ip, s.data,
  s.revoked_at, s.revoked_reason, COALESCE(s.authenticated_at, s.created_at) AS authenticated_at, s.persistent,
  s.impersonator_id, s.impersonator_session_id`;

/** The activity columns, in the shape `rows.ts` parses. */
const ACTIVITY_COLUMNS = 'a.id, a.user_id, a.tenant_id, a.type, a.at, a.reason, a.session_id, a.device_label, a.ip, a.actor';

/**
 * The payload of a tenant's notice. A user's notice is the bare user id (as every earlier
 * release sends and reads it); a tenant's is JSON padded past the longest id the store is
 * given, so that no user id, however it looks, reads as a tenant's notice.
 */
const tenantPayload = (tenantId: string): string => `json_build_object('tenantId', ${tenantId})::text || repeat(' ', 257)`;

/** Writes the store's statements for one set of table names. */
export function queries(names: TableNames): Queries {
  const { sessions, epochs, denied, tenantEpochs, activity, devices, links } = names;
  // Epoch 0 is the "no revocation yet" row that create writes to keep the high-water mark.
  const epochsOf = (userId: string): string =>
    `(SELECT json_object_agg(e.kind, e.epoch) FROM ${epochs} AS e WHERE e.user_id = ${userId} AND e.epoch > 0)`;
  // The same for a tenant; NULL (no tenant) finds no row.
  const tenantEpochsOf = (tenantId: string): string =>
    `(SELECT json_object_agg(t.kind, t.epoch) FROM ${tenantEpochs} AS t WHERE t.tenant_id = ${tenantId} AND t.epoch > 0)`;
  // One entry given as JSON (the contract's field names), only when the parameter is set and
  // `condition` holds. A retried write finds its entry there already: the id is the entry.
  const activityInsert = (parameter: string, condition = 'TRUE'): string =>
    `INSERT INTO ${activity} (id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor)
    SELECT r.id, r."userId", r."tenantId", r.type, r.at, r.reason, r."sessionId", r."deviceLabel", r.ip, r."by"
    FROM jsonb_to_record(${parameter}::text::jsonb) AS r(${ACTIVITY_RECORD}) WHERE ${parameter}::text IS NOT NULL AND ${condition}
    ON CONFLICT (id) DO NOTHING`;
  // One bounded batch of rows past `bound` on `column`, oldest first, skipping rows another
  // transaction holds (see prune below for why by ctid).
  const batchDelete = (table: string, column: string, bound: string): string =>
    `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${table} WHERE ${column} <= ${bound} ORDER BY ${column} LIMIT $2 FOR UPDATE SKIP LOCKED
    )) RETURNING 1`;
  const denyInsert = (from: string, userId: string, until: string): string =>
    `INSERT INTO ${denied} AS d (user_id, session_id, until)
    SELECT ${userId}, id, ${until} FROM ${from} WHERE ${until}::bigint IS NOT NULL
    ON CONFLICT (user_id, session_id) DO UPDATE SET until = GREATEST(d.until, EXCLUDED.until)`;

  return {
    // Validation: the session, its user's epochs and its tenant's in one round trip.
    get: named(
      'get',
      `SELECT ${COLUMNS}, ${epochsOf('s.user_id')} AS epochs, ${tenantEpochsOf('s.tenant_id')} AS tenant_epochs FROM ${sessions} AS s WHERE s.id = $1`,
    ),

    // Sign-in, one round trip: the function migrate() installs (see schema.ts) locks the
    // user's epoch row, picks createdAt = max(requested, epoch + 1), enforces the session cap,
    // replaces the device's live sessions, inserts and notifies. $17 is the device key to
    // replace (NULL: no replacement), $19 the cap (NULL: none), $26 the activity entry (NULL:
    // none). The data and the flags are cast from text: a client that serialises by the
    // parameter's type (postgres.js) would otherwise encode the JSON text once more, as a JSON
    // string, and send the text "true" as false.
    create: named(
      'create',
      `SELECT session_created_at, replaced_ids, evicted_ids FROM ${names.createFunction}($1::text, $2::text, $3::text, $4::text,
    $5::text, $6::bigint, $7::bigint, $8::bigint, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,
    $15::text::jsonb, $16::text::boolean, $17::text, $18::bigint, $19::integer, $20::text::boolean, $21::bigint, $22::text, $23::integer,
    $24::text, $25::text, $26::text::jsonb)`,
    ),

    // Never inserts, never touches a tombstone.
    touch: named('touch', `UPDATE ${sessions} SET last_used_at = GREATEST(last_used_at, $2) WHERE id = $1 AND revoked_at IS NULL`),

    // Like touch: one write that never inserts and never moves the time back or touches a
    // tombstone. It updates even when the time does not move, so the row count says "exists".
    reauthenticate: named(
      'reauthenticate',
      `UPDATE ${sessions} SET authenticated_at = GREATEST(COALESCE(authenticated_at, created_at), $2::bigint) WHERE id = $1 AND revoked_at IS NULL`,
    ),

    // Only the first revocation wins: the row lock and the re-checked "revoked_at IS NULL"
    // make concurrent revokes of one session report exactly one winner.
    revoke: named(
      'revoke',
      `WITH revoked AS (
    UPDATE ${sessions} AS s SET revoked_at = $2, revoked_reason = $3 WHERE s.id = $1 AND s.revoked_at IS NULL
    RETURNING ${COLUMNS}
  ), denied AS (
    ${denyInsert('revoked', 'revoked.user_id', '$4')}
  ), logged AS (
    ${activityInsert('$6', 'EXISTS (SELECT 1 FROM revoked)')}
  )
  SELECT revoked.*, pg_notify($5, revoked.user_id) AS notified FROM revoked`,
    ),

    // A monotonic raise: never below the current epoch, the requested time or the high-water
    // mark. Kinds arrive sorted, so concurrent calls lock rows in the same order.
    revokeAll: named(
      'revoke_all',
      `WITH raised AS (
    INSERT INTO ${epochs} AS e (user_id, kind, epoch, high_water)
    SELECT $1, kinds.kind, $3, 0 FROM unnest($2::text[]) AS kinds(kind)
    ON CONFLICT (user_id, kind) DO UPDATE SET epoch = GREATEST(e.epoch, EXCLUDED.epoch, e.high_water)
    RETURNING e.kind, e.epoch
  ), logged AS (
    ${activityInsert('$5')}
  )
  SELECT kind, epoch, pg_notify($4, $1) AS notified FROM raised`,
    ),

    // The same raise on the tenant's rows, one per kind however many users and sessions the
    // tenant has; sign-ins of the tenant keep its high-water mark (see the sign-in function).
    revokeTenant: named(
      'revoke_tenant',
      `WITH raised AS (
    INSERT INTO ${tenantEpochs} AS t (tenant_id, kind, epoch, high_water)
    SELECT $1, kinds.kind, $3, 0 FROM unnest($2::text[]) AS kinds(kind)
    ON CONFLICT (tenant_id, kind) DO UPDATE SET epoch = GREATEST(t.epoch, EXCLUDED.epoch, t.high_water)
    RETURNING t.kind, t.epoch
  ), logged AS (
    ${activityInsert('$5')}
  )
  SELECT kind, epoch, pg_notify($4, ${tenantPayload('$1::text')}) AS notified FROM raised`,
    ),

    // Rows already revoked by an epoch (the user's or the tenant's) or expired are left alone,
    // so the ids returned are exactly the sessions this call signed out. The entry is written
    // either way: the user asked.
    revokeOthers: named(
      'revoke_others',
      `WITH revoked AS (
    UPDATE ${sessions} AS s SET revoked_at = $3, revoked_reason = $4
    WHERE s.user_id = $1 AND s.kind = ANY($2::text[]) AND s.id <> $5 AND s.revoked_at IS NULL AND s.expires_at > $3
      AND s.created_at > COALESCE((SELECT e.epoch FROM ${epochs} AS e WHERE e.user_id = $1 AND e.kind = s.kind), 0)
      AND (s.tenant_id IS NULL OR s.created_at > COALESCE((SELECT t.epoch FROM ${tenantEpochs} AS t WHERE t.tenant_id = s.tenant_id AND t.kind = s.kind), 0))
    RETURNING s.id
  ), denied AS (
    ${denyInsert('revoked', '$1', '$6')}
  ), logged AS (
    ${activityInsert('$8')}
  )
  SELECT id, pg_notify($7, $1) AS notified FROM revoked`,
    ),

    // One row even when the user has no session, so the epochs always come back; with them
    // the epochs of every tenant the rows name (tenant id to epochs), from the same snapshot.
    list: named(
      'list',
      `SELECT u.epochs, u.tenant_epochs, ${COLUMNS} FROM (SELECT ${epochsOf('$1')} AS epochs,
    (SELECT json_object_agg(x.tenant_id, x.epochs) FROM (
      SELECT t.tenant_id, json_object_agg(t.kind, t.epoch) AS epochs FROM ${tenantEpochs} AS t
      WHERE t.epoch > 0 AND t.tenant_id IN (SELECT o.tenant_id FROM ${sessions} AS o WHERE o.user_id = $1)
      GROUP BY t.tenant_id
    ) AS x) AS tenant_epochs) AS u LEFT JOIN ${sessions} AS s ON s.user_id = $1`,
    ),

    // $2 is the token's tenant, or NULL.
    revocationState: named(
      'revocation_state',
      `SELECT ${epochsOf('$1')} AS epochs,
    (SELECT json_object_agg(d.session_id, d.until) FROM ${denied} AS d WHERE d.user_id = $1) AS denied,
    ${tenantEpochsOf('$2::text')} AS tenant_epochs`,
    ),

    // Sessions (tombstones too), deny-list, activity, known devices and links in one
    // statement; the epochs rows stay. A tenant's own entries name no user and stay.
    eraseUser: named(
      'erase_user',
      `WITH gone AS (
    DELETE FROM ${sessions} WHERE user_id = $1 RETURNING 1
  ), denied_gone AS (
    DELETE FROM ${denied} WHERE user_id = $1 RETURNING 1
  ), activity_gone AS (
    DELETE FROM ${activity} WHERE user_id = $1 RETURNING 1
  ), devices_gone AS (
    DELETE FROM ${devices} WHERE user_id = $1 RETURNING 1
  ), links_gone AS (
    DELETE FROM ${links} WHERE user_id = $1 RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM denied_gone) AS denied_deleted,
    (SELECT count(*) FROM activity_gone) AS activity_deleted, (SELECT count(*) FROM devices_gone) AS devices_deleted,
    (SELECT count(*) FROM links_gone) AS links_deleted`,
    ),

    // Held until the batch's transaction ends: one pruner at a time, and a lock that cannot
    // outlive its batch on a pooled connection.
    tryPruneLock: named('try_prune_lock', `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`),

    // One bounded batch per table, oldest first; rows another transaction holds are skipped,
    // not waited for. Rows are deleted by ctid: the subquery locked them, so they cannot move
    // before the DELETE reaches them, and a TID scan costs nothing. (`id IN (subquery)` is
    // planned as a hash join over a sequential scan of the whole table: every batch would cost
    // O(table).) $3 and $4 are the activity and known-device cut-offs; NULL keeps them all.
    prune: named(
      'prune',
      `WITH gone AS (
    ${batchDelete(sessions, 'expires_at', '$1')}
  ), denied_gone AS (
    ${batchDelete(denied, 'until', '$1')}
  ), activity_gone AS (
    ${batchDelete(activity, 'at', '$3::bigint')}
  ), devices_gone AS (
    ${batchDelete(devices, 'last_seen_at', '$4::bigint')}
  ), links_gone AS (
    ${batchDelete(links, 'expires_at', '$1')}
  )
  SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM denied_gone) AS denied_deleted,
    (SELECT count(*) FROM activity_gone) AS activity_deleted, (SELECT count(*) FROM devices_gone) AS devices_deleted,
    (SELECT count(*) FROM links_gone) AS links_deleted`,
    ),

    // Entries that record no revocation, given as a JSON array.
    appendActivity: named(
      'append_activity',
      `INSERT INTO ${activity} (id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor)
  SELECT r.id, r."userId", r."tenantId", r.type, r.at, r.reason, r."sessionId", r."deviceLabel", r.ip, r."by"
  FROM jsonb_to_recordset($1::text::jsonb) AS r(${ACTIVITY_RECORD})
  ON CONFLICT (id) DO NOTHING`,
    ),

    // Newest first in byte order, each side an index range (user_id, id) or (tenant_id, id)
    // read backwards from the cursor $3, at most $4 rows each, merged. $2 is the tenant whose
    // own entries join the page, or NULL.
    listActivity: named(
      'list_activity',
      `SELECT a.* FROM (
    (SELECT ${ACTIVITY_COLUMNS} FROM ${activity} AS a WHERE a.user_id = $1 AND a.id < $3::text COLLATE "C"
      ORDER BY a.id COLLATE "C" DESC LIMIT $4::integer)
    UNION ALL
    (SELECT ${ACTIVITY_COLUMNS} FROM ${activity} AS a WHERE a.user_id IS NULL AND a.tenant_id = $2::text AND a.id < $3::text COLLATE "C"
      ORDER BY a.id COLLATE "C" DESC LIMIT $4::integer)
  ) AS a ORDER BY a.id COLLATE "C" DESC LIMIT $4::integer`,
    ),

    // Keeps the latest time and answers the one before this call: the conflict branch sees
    // the row as the last committed sighting left it (it waits for a concurrent one), so of
    // two first sightings at once exactly one answers NULL.
    rememberDevice: named(
      'remember_device',
      `INSERT INTO ${devices} AS d (user_id, device_hash, last_seen_at) VALUES ($1, $2, $3)
  ON CONFLICT (user_id, device_hash) DO UPDATE
    SET previous_seen_at = d.last_seen_at, last_seen_at = GREATEST(d.last_seen_at, EXCLUDED.last_seen_at)
  RETURNING d.previous_seen_at AS previous`,
    ),

    listDevices: named('list_devices', `SELECT d.device_hash, d.last_seen_at FROM ${devices} AS d WHERE d.user_id = $1`),

    saveLink: named(
      'save_link',
      `INSERT INTO ${links} (id, secret_hash, user_id, session_id, expires_at, device_key, tenant_id)
  VALUES ($1, decode($2, 'hex'), $3, $4, $5, $6, $7)`,
    ),

    // One statement: the row lock makes one of two concurrent uses find the row gone. A wrong
    // hash or an expired link matches nothing and deletes nothing.
    consumeLink: named(
      'consume_link',
      `DELETE FROM ${links} AS l WHERE l.id = $1 AND l.secret_hash = decode($2, 'hex') AND l.expires_at > $3
  RETURNING l.id, encode(l.secret_hash, 'hex') AS secret_hash, l.user_id, l.session_id, l.expires_at, l.device_key, l.tenant_id`,
    ),

    // A scan of the sessions table, for operators; never on a request path.
    stats: named(
      'stats',
      `SELECT s.kind, count(*) FILTER (WHERE s.revoked_at IS NULL AND s.expires_at > $1) AS live,
    count(*) FILTER (WHERE s.revoked_at IS NOT NULL AND s.expires_at > $1) AS revoked,
    count(*) FILTER (WHERE s.expires_at <= $1) AS expired
  FROM ${sessions} AS s GROUP BY s.kind`,
    ),
  };
}

// Statement names must be unique per text on a connection; the hash keeps stores with
// different table names from colliding on a shared pool.
function named(operation: string, text: string): Statement {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { name: `session_revocation_${operation}_${digest}`, text };
}
