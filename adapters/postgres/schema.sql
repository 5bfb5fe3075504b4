-- session-revocation: PostgreSQL tables for schema "session_revocation", table "sessions" (schema version 3).
--
-- This is the exact script postgresStore({ pool, schema: 'session_revocation', table: 'sessions' }).migrate()
-- runs. Teams that run migrations themselves apply it with
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f schema.sql
-- and print it for other names with postgresSchemaSql({ schema, table }) from
-- 'session-revocation/postgres'. Every statement is idempotent, and the whole script is one
-- transaction under an advisory lock, so running it again, or from several instances at once,
-- is safe. A later schema version appends statements (ADD COLUMN IF NOT EXISTS, ...) here.
--
-- Times are absolute milliseconds since 1970-01-01 UTC (bigint), as the library uses them.

BEGIN;

-- CREATE ... IF NOT EXISTS alone still races between two sessions; the lock serialises them.
SELECT pg_advisory_xact_lock(-6251929965506663392);

CREATE SCHEMA IF NOT EXISTS "session_revocation";

-- One row per session. A revoked session keeps its row as a tombstone (revoked_at,
-- revoked_reason) until pruning deletes it after expires_at, so a revoked device is told
-- "revoked" and an audit can still read it. The token itself is never stored.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions" (
  id             text   PRIMARY KEY,
  user_id        text   NOT NULL,
  tenant_id      text,
  kind           text   NOT NULL,
  secret_hash    bytea  NOT NULL,
  created_at     bigint NOT NULL,
  last_used_at   bigint NOT NULL,
  expires_at     bigint NOT NULL,
  device_key     text,
  browser        text,
  os             text,
  device_type    text,
  user_agent     text   CHECK (char_length(user_agent) <= 512),
  ip             text   CHECK (char_length(ip) <= 64),
  data           jsonb,
  revoked_at     bigint,
  revoked_reason text,
  -- Schema version 3. NULL reads as created_at: when the user last proved who they are.
  authenticated_at bigint,
  -- Schema version 3. false for a session-only cookie; NULL means persistent.
  persistent     boolean
);

-- Tables of an earlier schema version get the version 3 columns. Both stay NULL in existing
-- rows (nothing is rewritten): a session written before the upgrade, or by an instance still
-- running the previous release, reads as authenticated at sign-in and persistent. ALTER TABLE
-- locks out readers even when the columns are there, so it only runs when they are missing:
-- migrate() at every start must not queue validation behind it.
DO $upgrade$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"session_revocation"."sessions"'::regclass AND attname = 'authenticated_at' AND NOT attisdropped) THEN
    ALTER TABLE "session_revocation"."sessions" ADD COLUMN IF NOT EXISTS authenticated_at bigint, ADD COLUMN IF NOT EXISTS persistent boolean;
  END IF;
END
$upgrade$;

-- A user's sessions: listing, "log out other devices", one session per browser and OS.
CREATE INDEX IF NOT EXISTS "sessions_user_kind_idx" ON "session_revocation"."sessions" (user_id, kind);
-- Pruning walks rows in expiry order, a bounded batch at a time.
CREATE INDEX IF NOT EXISTS "sessions_expires_at_idx" ON "session_revocation"."sessions" (expires_at);

-- Revocation epochs per user and kind: a session with created_at <= epoch is revoked.
-- high_water is the newest created_at seen, so "sign out everywhere" covers sessions made by a
-- server whose clock runs ahead. Epochs only move forward and are never pruned.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_epochs" (
  user_id    text   NOT NULL,
  kind       text   NOT NULL,
  epoch      bigint NOT NULL DEFAULT 0,
  high_water bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, kind)
);

-- Individually revoked sessions, kept until the last access token minted for them expires.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_denied" (
  user_id    text   NOT NULL,
  session_id text   NOT NULL,
  until      bigint NOT NULL,
  PRIMARY KEY (user_id, session_id)
);
CREATE INDEX IF NOT EXISTS "sessions_denied_until_idx" ON "session_revocation"."sessions_denied" (until);

-- Sign-in in one round trip (schema version 3). Locks the user's epoch row for the kind (which
-- serialises sign-ins, "sign out everywhere" and the session cap for that user and kind), raises
-- the high-water mark, gives the session createdAt = max(requested, epoch + 1), then, with a
-- cap, counts the user's live sessions of the kind: at the cap it either raises SQLSTATE SRLIM
-- (p_limit_refuse: the whole statement rolls back, nothing is written) or picks the least
-- recently used to evict. Then it replaces the device's live sessions, evicts, deny-lists both,
-- inserts the new one and notifies. Each statement of a PL/pgSQL function takes a fresh
-- snapshot (READ COMMITTED), so the count and the replacement see the sessions a concurrent
-- sign-in committed while this one waited for the row lock. lock_timeout (transaction-local)
-- lets the server give up a wait the caller would. The version 2 function (18 arguments) stays
-- where an earlier migration made it, so instances still running the previous release keep
-- signing in during a rolling upgrade.
CREATE OR REPLACE FUNCTION "session_revocation"."sessions_create_session"(
  p_id text, p_user_id text, p_tenant_id text, p_kind text, p_secret_hash text, p_requested_at bigint,
  p_authenticated_at bigint, p_max_age bigint, p_device_key text, p_browser text, p_os text, p_device_type text,
  p_user_agent text, p_ip text, p_data jsonb, p_persistent boolean, p_replace_device_key text, p_deny_until bigint,
  p_limit_max integer, p_limit_refuse boolean, p_idle_before bigint, p_channel text, p_lock_timeout_ms integer,
  OUT session_created_at bigint, OUT replaced_ids json, OUT evicted_ids json
) LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
DECLARE
  v_epoch bigint;
  -- The live sessions the cap counts, least recently used first (then oldest, then by id in
  -- byte order, so every store evicts the same one).
  v_counted text[];
  v_excess integer := 0;
BEGIN
  IF p_lock_timeout_ms IS NOT NULL THEN
    PERFORM set_config('lock_timeout', p_lock_timeout_ms || 'ms', true);
  END IF;
  INSERT INTO "session_revocation"."sessions_epochs" AS e (user_id, kind, epoch, high_water) VALUES (p_user_id, p_kind, 0, GREATEST(p_requested_at, 1))
    ON CONFLICT (user_id, kind) DO UPDATE SET high_water = GREATEST(e.high_water, p_requested_at, e.epoch + 1)
    RETURNING e.epoch, GREATEST(p_requested_at, e.epoch + 1) INTO v_epoch, session_created_at;
  IF p_limit_max IS NOT NULL THEN
    -- Live and not idle, and not one of the device's sessions this sign-in replaces.
    SELECT array_agg(id ORDER BY last_used_at, created_at, id COLLATE "C") INTO v_counted FROM "session_revocation"."sessions"
    WHERE user_id = p_user_id AND kind = p_kind AND revoked_at IS NULL AND created_at > v_epoch
      AND expires_at > session_created_at AND last_used_at > p_idle_before
      AND (p_replace_device_key IS NULL OR device_key IS DISTINCT FROM p_replace_device_key);
    v_excess := COALESCE(cardinality(v_counted), 0) - p_limit_max + 1;
    IF v_excess > 0 AND p_limit_refuse THEN
      RAISE EXCEPTION 'the session limit of this user and kind is reached' USING ERRCODE = 'SRLIM';
    END IF;
  END IF;
  WITH replaced AS (
    UPDATE "session_revocation"."sessions" SET revoked_at = session_created_at, revoked_reason = 'replaced'
    WHERE user_id = p_user_id AND kind = p_kind AND device_key = p_replace_device_key AND revoked_at IS NULL
      AND created_at > v_epoch AND expires_at > session_created_at
    RETURNING id
  ), evicted AS (
    UPDATE "session_revocation"."sessions" SET revoked_at = session_created_at, revoked_reason = 'session_limit'
    WHERE id = ANY(v_counted[1:v_excess]) AND user_id = p_user_id AND revoked_at IS NULL
    RETURNING id
  ), denied AS (
    INSERT INTO "session_revocation"."sessions_denied" AS d (user_id, session_id, until)
    SELECT p_user_id, id, p_deny_until FROM (SELECT id FROM replaced UNION ALL SELECT id FROM evicted) AS gone
    WHERE p_deny_until IS NOT NULL
    ON CONFLICT (user_id, session_id) DO UPDATE SET until = GREATEST(d.until, EXCLUDED.until)
  ), inserted AS (
    INSERT INTO "session_revocation"."sessions" (id, user_id, tenant_id, kind, secret_hash, created_at, last_used_at, expires_at,
      device_key, browser, os, device_type, user_agent, ip, data, authenticated_at, persistent)
    VALUES (p_id, p_user_id, p_tenant_id, p_kind, decode(p_secret_hash, 'hex'), session_created_at, session_created_at,
      session_created_at + p_max_age, p_device_key, p_browser, p_os, p_device_type, p_user_agent, p_ip, p_data,
      p_authenticated_at, p_persistent)
  )
  SELECT (SELECT COALESCE(json_agg(id), '[]'::json) FROM replaced),
         (SELECT COALESCE(json_agg(id ORDER BY array_position(v_counted, id)), '[]'::json) FROM evicted)
    INTO replaced_ids, evicted_ids;
  IF json_array_length(replaced_ids) > 0 OR json_array_length(evicted_ids) > 0 THEN
    PERFORM pg_notify(p_channel, p_user_id);
  END IF;
END
$function$;

COMMENT ON TABLE "session_revocation"."sessions" IS 'session-revocation sessions (schema version 3)';
COMMENT ON TABLE "session_revocation"."sessions_epochs" IS 'session-revocation revocation epochs (schema version 3)';
COMMENT ON TABLE "session_revocation"."sessions_denied" IS 'session-revocation access-token deny-list (schema version 3)';

-- Fails (and rolls everything back) when a table of the same name already exists with
-- another shape, instead of failing later on the first sign-in.
SELECT id, user_id, tenant_id, kind, secret_hash, created_at, last_used_at, expires_at, device_key,
       browser, os, device_type, user_agent, ip, data, revoked_at, revoked_reason, authenticated_at, persistent
  FROM "session_revocation"."sessions" LIMIT 0;
SELECT user_id, kind, epoch, high_water FROM "session_revocation"."sessions_epochs" LIMIT 0;
SELECT user_id, session_id, until FROM "session_revocation"."sessions_denied" LIMIT 0;

COMMIT;
