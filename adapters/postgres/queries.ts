import { createHash } from 'node:crypto';
import type { Statement } from './connection.js';
import type { TableNames } from './identifiers.js';

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
}

/**
 * The session columns, in the shape `rows.ts` parses (the hash as hex: independent of
 * bytea_output). A row written before schema version 3 has no authenticated_at: its sign-in is
 * the last proof.
 */
const COLUMNS = `s.id, s.user_id, s.tenant_id, s.kind, encode(s.secret_hash, 'hex') AS secret_hash, s.created_at,
  s.last_used_at, s.expires_at, s.device_key, s.browser, s.os, s.device_type, s.user_agent, s.ip, s.data,
  s.revoked_at, s.revoked_reason, COALESCE(s.authenticated_at, s.created_at) AS authenticated_at, s.persistent`;

/** Writes the store's statements for one set of table names. */
export function queries(names: TableNames): Queries {
  const { sessions, epochs, denied } = names;
  // Epoch 0 is the "no revocation yet" row that create writes to keep the high-water mark.
  const epochsOf = (userId: string): string =>
    `(SELECT json_object_agg(e.kind, e.epoch) FROM ${epochs} AS e WHERE e.user_id = ${userId} AND e.epoch > 0)`;
  const denyInsert = (from: string, userId: string, until: string): string =>
    `INSERT INTO ${denied} AS d (user_id, session_id, until)
    SELECT ${userId}, id, ${until} FROM ${from} WHERE ${until}::bigint IS NOT NULL
    ON CONFLICT (user_id, session_id) DO UPDATE SET until = GREATEST(d.until, EXCLUDED.until)`;

  return {
    // Validation: the session and its user's epochs in one round trip.
    get: named('get', `SELECT ${COLUMNS}, ${epochsOf('s.user_id')} AS epochs FROM ${sessions} AS s WHERE s.id = $1`),

    // Sign-in, one round trip: the function migrate() installs (see schema.ts) locks the
    // user's epoch row, picks createdAt = max(requested, epoch + 1), enforces the session cap,
    // replaces the device's live sessions, inserts and notifies. $17 is the device key to
    // replace (NULL: no replacement), $19 the cap (NULL: none). The data and the flags are cast
    // from text: a client that serialises by the parameter's type (postgres.js) would otherwise
    // encode the JSON text once more, as a JSON string, and send the text "true" as false.
    create: named(
      'create',
      `SELECT session_created_at, replaced_ids, evicted_ids FROM ${names.createFunction}($1::text, $2::text, $3::text, $4::text,
    $5::text, $6::bigint, $7::bigint, $8::bigint, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,
    $15::text::jsonb, $16::text::boolean, $17::text, $18::bigint, $19::integer, $20::text::boolean, $21::bigint, $22::text, $23::integer)`,
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
  )
  SELECT kind, epoch, pg_notify($4, $1) AS notified FROM raised`,
    ),

    // Rows already revoked by an epoch or expired are left alone, so the ids returned are
    // exactly the sessions this call signed out.
    revokeOthers: named(
      'revoke_others',
      `WITH revoked AS (
    UPDATE ${sessions} AS s SET revoked_at = $3, revoked_reason = $4
    WHERE s.user_id = $1 AND s.kind = ANY($2::text[]) AND s.id <> $5 AND s.revoked_at IS NULL AND s.expires_at > $3
      AND s.created_at > COALESCE((SELECT e.epoch FROM ${epochs} AS e WHERE e.user_id = $1 AND e.kind = s.kind), 0)
    RETURNING s.id
  ), denied AS (
    ${denyInsert('revoked', '$1', '$6')}
  )
  SELECT id, pg_notify($7, $1) AS notified FROM revoked`,
    ),

    // One row even when the user has no session, so the epochs always come back.
    list: named(
      'list',
      `SELECT u.epochs, ${COLUMNS} FROM (SELECT ${epochsOf('$1')} AS epochs) AS u LEFT JOIN ${sessions} AS s ON s.user_id = $1`,
    ),

    revocationState: named(
      'revocation_state',
      `SELECT ${epochsOf('$1')} AS epochs,
    (SELECT json_object_agg(d.session_id, d.until) FROM ${denied} AS d WHERE d.user_id = $1) AS denied`,
    ),

    // Sessions (tombstones too) and deny-list in one statement; the epochs rows stay.
    eraseUser: named(
      'erase_user',
      `WITH gone AS (
    DELETE FROM ${sessions} WHERE user_id = $1 RETURNING 1
  ), denied_gone AS (
    DELETE FROM ${denied} WHERE user_id = $1 RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM denied_gone) AS denied_deleted`,
    ),

    // Held until the batch's transaction ends: one pruner at a time, and a lock that cannot
    // outlive its batch on a pooled connection.
    tryPruneLock: named('try_prune_lock', `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`),

    // One bounded batch, oldest first; rows another transaction holds are skipped, not waited
    // for. Rows are deleted by ctid: the subquery locked them, so they cannot move before the
    // DELETE reaches them, and a TID scan costs nothing. (`id IN (subquery)` is planned as a
    // hash join over a sequential scan of the whole table: every batch would cost O(table).)
    prune: named(
      'prune',
      `WITH gone AS (
    DELETE FROM ${sessions} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${sessions} WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
    )) RETURNING 1
  ), denied_gone AS (
    DELETE FROM ${denied} WHERE ctid = ANY(ARRAY(
      SELECT ctid FROM ${denied} WHERE until <= $1 ORDER BY until LIMIT $2 FOR UPDATE SKIP LOCKED
    )) RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM denied_gone) AS denied_deleted`,
    ),
  };
}

// Statement names must be unique per text on a connection; the hash keeps stores with
// different table names from colliding on a shared pool.
function named(operation: string, text: string): Statement {
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { name: `session_revocation_${operation}_${digest}`, text };
}
