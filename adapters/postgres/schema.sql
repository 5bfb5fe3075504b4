-- session-revocation: PostgreSQL tables for schema "session_revocation", table "sessions" (schema version 1).
-- The exact script postgresStore({ pool, schema: 'session_revocation', table: 'sessions' }).migrate() runs;
-- apply it with psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f schema.sql, or print it for other
-- names with postgresSchemaSql({ schema, table }) from 'session-revocation/postgres'. One
-- transaction of idempotent statements under an advisory lock: safe to run again, or from
-- several instances at once. Times are milliseconds since 1970-01-01 UTC (bigint).

BEGIN;

-- CREATE ... IF NOT EXISTS alone still races between two sessions; the lock serialises them.
SELECT pg_advisory_xact_lock(-6251929965506663392);

CREATE SCHEMA IF NOT EXISTS "session_revocation";

-- Tables a later release migrated (their comments record its version) are refused, not misread.
DO $check$
DECLARE
  v_found integer := substring(obj_description(to_regclass('"session_revocation"."sessions"'), 'pg_class') FROM 'schema version ([0-9]+)')::integer;
BEGIN
  IF v_found > 1 THEN
    RAISE EXCEPTION 'the tables "session_revocation"."sessions" are at schema version %, newer than this version of session-revocation reads (1): upgrade session-revocation', v_found;
  END IF;
END
$check$;

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
  -- When the user last proved who they are; NULL reads as created_at.
  authenticated_at bigint,
  -- false for a session-only cookie; NULL means persistent.
  persistent     boolean,
  -- Who acts as the user on a support session; NULL on every other.
  impersonator_id text,
  -- The admin's own session behind a support session; NULL on every other.
  impersonator_session_id text
);

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

-- Revocation epochs per tenant and kind, like a user's: a session of the
-- tenant with created_at <= epoch is revoked, whoever its user. Sign-ins of the tenant raise
-- high_water, so revoking the tenant covers them all with one row per kind.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_tenant_epochs" (
  tenant_id  text   NOT NULL,
  kind       text   NOT NULL,
  epoch      bigint NOT NULL DEFAULT 0,
  high_water bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, kind)
);

-- Account activity, written by the same statement as the change it records.
-- Ids sort like time as byte strings (collation "C"), so a page is an index range on one
-- user's (or one tenant's own) entries. user_id is NULL on a tenant's entry.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_activity" (
  id           text COLLATE "C" PRIMARY KEY,
  user_id      text,
  tenant_id    text,
  type         text   NOT NULL,
  at           bigint NOT NULL,
  reason       text   NOT NULL,
  session_id   text,
  device_label text,
  ip           text,
  actor        text
);
CREATE INDEX IF NOT EXISTS "sessions_activity_user_idx" ON "session_revocation"."sessions_activity" (user_id, id);
CREATE INDEX IF NOT EXISTS "sessions_activity_tenant_idx" ON "session_revocation"."sessions_activity" (tenant_id, id) WHERE user_id IS NULL;
-- Pruning walks entries by age, a bounded batch at a time.
CREATE INDEX IF NOT EXISTS "sessions_activity_at_idx" ON "session_revocation"."sessions_activity" (at);

-- Devices a user signed in from (a hash of browser, OS and network), kept
-- beyond the sessions so that a sign-in from a new one can be told apart. previous_seen_at is
-- last_seen_at before the latest sighting: an upsert's RETURNING shows only the row it leaves,
-- so the sighting writes the time it replaces there and reads it back, exact however many
-- sign-ins from the device run at once.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_devices" (
  user_id          text   NOT NULL,
  device_hash      text   NOT NULL,
  last_seen_at     bigint NOT NULL,
  previous_seen_at bigint,
  PRIMARY KEY (user_id, device_hash)
);
CREATE INDEX IF NOT EXISTS "sessions_devices_seen_idx" ON "session_revocation"."sessions_devices" (last_seen_at);

-- "This wasn't me" links: like sessions, only the hash of the secret.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_links" (
  id          text   PRIMARY KEY,
  secret_hash bytea  NOT NULL,
  user_id     text   NOT NULL,
  session_id  text   NOT NULL,
  expires_at  bigint NOT NULL,
  -- The device key and tenant of that session, which the link signs out once the session's
  -- row is gone; NULL: none (unknown device, support session).
  device_key  text,
  tenant_id   text
);

CREATE INDEX IF NOT EXISTS "sessions_links_user_idx" ON "session_revocation"."sessions_links" (user_id);
CREATE INDEX IF NOT EXISTS "sessions_links_expires_idx" ON "session_revocation"."sessions_links" (expires_at);

-- Sign-in in one round trip. Locks the user's epoch row for the kind (which
-- serialises sign-ins, "sign out everywhere" and the session cap for that user and kind), raises
-- the high-water mark, gives the session createdAt = max(requested, epoch + 1); for a session
-- with a tenant, then locks the tenant's epoch row (always after the user's: the one order of
-- every statement that takes both), pushes createdAt past the tenant's epoch and raises the
-- tenant's high-water mark. Device replacement and the cap look only at the user's sessions of
-- the sign-in's tenant (none: the sessions without one). With a cap it counts those live sessions of the
-- kind: at the cap it either raises SQLSTATE SRLIM (p_limit_refuse: the whole statement
-- rolls back, nothing is written) or picks the least recently used to evict. Then it replaces
-- the device's live sessions, evicts, deny-lists both, inserts the new one, writes the activity
-- entries (p_activity, and one derived entry per replaced or evicted session) and notifies. Each
-- statement of a PL/pgSQL function takes a fresh snapshot (READ COMMITTED), so the count and the
-- replacement see the sessions a concurrent sign-in committed while this one waited for the row
-- lock. lock_timeout (transaction-local) lets the server give up a wait the caller would.
CREATE OR REPLACE FUNCTION "session_revocation"."sessions_create_session"(
  p_id text, p_user_id text, p_tenant_id text, p_kind text, p_secret_hash text, p_requested_at bigint,
  p_authenticated_at bigint, p_max_age bigint, p_device_key text, p_browser text, p_os text, p_device_type text,
  p_user_agent text, p_ip text, p_data jsonb, p_persistent boolean, p_replace_device_key text, p_deny_until bigint,
  p_limit_max integer, p_limit_refuse boolean, p_idle_before bigint, p_channel text, p_lock_timeout_ms integer,
  p_impersonator_id text, p_impersonator_session_id text, p_activity jsonb,
  OUT session_created_at bigint, OUT replaced_ids json, OUT evicted_ids json
) LANGUAGE plpgsql VOLATILE AS $function$
#variable_conflict use_column
DECLARE
  v_epoch bigint;
  -- The sign-in's tenant's epoch, 0 without a tenant: every row judged below is of that tenant.
  v_tenant_epoch bigint := 0;
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
    RETURNING e.epoch INTO v_epoch;
  session_created_at := GREATEST(p_requested_at, v_epoch + 1);
  IF p_tenant_id IS NOT NULL THEN
    INSERT INTO "session_revocation"."sessions_tenant_epochs" AS t (tenant_id, kind, epoch, high_water) VALUES (p_tenant_id, p_kind, 0, session_created_at)
      ON CONFLICT (tenant_id, kind) DO UPDATE SET high_water = GREATEST(t.high_water, session_created_at, t.epoch + 1)
      RETURNING t.epoch INTO v_tenant_epoch;
    IF v_tenant_epoch >= session_created_at THEN
      -- Born after the tenant's epoch too; the user's mark follows (its row is locked already).
      session_created_at := v_tenant_epoch + 1;
      UPDATE "session_revocation"."sessions_epochs" AS e SET high_water = GREATEST(e.high_water, session_created_at) WHERE e.user_id = p_user_id AND e.kind = p_kind;
    END IF;
  END IF;
  IF p_limit_max IS NOT NULL THEN
    -- Of the sign-in's tenant, live (its epoch included) and not idle, and not one of the
    -- device's sessions this sign-in replaces.
    SELECT array_agg(s.id ORDER BY s.last_used_at, s.created_at, s.id COLLATE "C") INTO v_counted FROM "session_revocation"."sessions" AS s
    WHERE s.user_id = p_user_id AND s.kind = p_kind AND s.tenant_id IS NOT DISTINCT FROM p_tenant_id AND s.revoked_at IS NULL
      AND s.created_at > v_epoch AND s.created_at > v_tenant_epoch
      AND s.expires_at > session_created_at AND s.last_used_at > p_idle_before
      AND (p_replace_device_key IS NULL OR s.device_key IS DISTINCT FROM p_replace_device_key);
    v_excess := COALESCE(cardinality(v_counted), 0) - p_limit_max + 1;
    IF v_excess > 0 AND p_limit_refuse THEN
      RAISE EXCEPTION 'the session limit of this user and kind is reached' USING ERRCODE = 'SRLIM';
    END IF;
  END IF;
  WITH replaced AS (
    UPDATE "session_revocation"."sessions" AS s SET revoked_at = session_created_at, revoked_reason = 'replaced'
    WHERE s.user_id = p_user_id AND s.kind = p_kind AND s.device_key = p_replace_device_key
      AND s.tenant_id IS NOT DISTINCT FROM p_tenant_id AND s.revoked_at IS NULL
      AND s.created_at > v_epoch AND s.created_at > v_tenant_epoch AND s.expires_at > session_created_at
    RETURNING s.id
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
      device_key, browser, os, device_type, user_agent, ip, data, authenticated_at, persistent, impersonator_id,
      impersonator_session_id)
    VALUES (p_id, p_user_id, p_tenant_id, p_kind, decode(p_secret_hash, 'hex'), session_created_at, session_created_at,
      session_created_at + p_max_age, p_device_key, p_browser, p_os, p_device_type, p_user_agent, p_ip, p_data,
      p_authenticated_at, p_persistent, p_impersonator_id, p_impersonator_session_id)
  )
  SELECT (SELECT COALESCE(json_agg(id ORDER BY id COLLATE "C"), '[]'::json) FROM replaced),
         (SELECT COALESCE(json_agg(id ORDER BY array_position(v_counted, id)), '[]'::json) FROM evicted)
    INTO replaced_ids, evicted_ids;
  IF p_activity IS NOT NULL THEN
    -- The sign-in's entry, then entry "<id>.<i>" for the i-th (from 0) session it replaced
    -- or evicted, in the order the ids are answered.
    INSERT INTO "session_revocation"."sessions_activity" AS a (id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor)
    SELECT r.id, r."userId", r."tenantId", r.type, r.at, r.reason, r."sessionId", r."deviceLabel", r.ip, r."by"
      FROM jsonb_to_record(p_activity) AS r(id text, "userId" text, "tenantId" text, type text, at bigint, reason text, "sessionId" text, "deviceLabel" text, ip text, "by" text)
    UNION ALL
    SELECT r.id || '.' || (gone.n - 1), r."userId", r."tenantId", 'session.revoked', r.at,
           CASE WHEN gone.n <= json_array_length(replaced_ids) THEN 'replaced' ELSE 'session_limit' END, gone.id, NULL, NULL, NULL
      FROM jsonb_to_record(p_activity) AS r(id text, "userId" text, "tenantId" text, type text, at bigint, reason text, "sessionId" text, "deviceLabel" text, ip text, "by" text),
           jsonb_array_elements_text(replaced_ids::jsonb || evicted_ids::jsonb) WITH ORDINALITY AS gone(id, n)
    ON CONFLICT (id) DO NOTHING;
  END IF;
  IF json_array_length(replaced_ids) > 0 OR json_array_length(evicted_ids) > 0 THEN
    PERFORM pg_notify(p_channel, p_user_id);
  END IF;
END
$function$;

-- Where a session came from at an identity provider (OpenID Connect
-- back-channel logout): found by the provider's session (iss, sid), by the user there (iss, sub),
-- and by the local user (list, export, erase). Pruned after the session's expiry.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_federated" (
  session_id text   PRIMARY KEY,
  user_id    text   NOT NULL,
  iss        text   NOT NULL,
  sub        text   NOT NULL,
  sid        text,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS "sessions_federated_sid_idx" ON "session_revocation"."sessions_federated" (iss, sid) WHERE sid IS NOT NULL;
CREATE INDEX IF NOT EXISTS "sessions_federated_sub_idx" ON "session_revocation"."sessions_federated" (iss, sub);
CREATE INDEX IF NOT EXISTS "sessions_federated_user_idx" ON "session_revocation"."sessions_federated" (user_id);
CREATE INDEX IF NOT EXISTS "sessions_federated_expires_idx" ON "session_revocation"."sessions_federated" (expires_at);

-- Logout tokens already accepted (issuer, token id), kept until their window
-- ends: the primary key makes a replay from any instance a conflict.
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_logout_tokens" (
  iss   text   NOT NULL,
  jti   text   NOT NULL,
  until bigint NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX IF NOT EXISTS "sessions_logout_tokens_until_idx" ON "session_revocation"."sessions_logout_tokens" (until);

SELECT session_id, user_id, iss, sub, sid, expires_at FROM "session_revocation"."sessions_federated" LIMIT 0;
SELECT iss, jti, until FROM "session_revocation"."sessions_logout_tokens" LIMIT 0;

COMMENT ON TABLE "session_revocation"."sessions" IS 'session-revocation sessions (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_epochs" IS 'session-revocation revocation epochs (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_denied" IS 'session-revocation access-token deny-list (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_tenant_epochs" IS 'session-revocation tenant revocation epochs (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_activity" IS 'session-revocation account activity (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_devices" IS 'session-revocation known devices (schema version 1)';
COMMENT ON TABLE "session_revocation"."sessions_links" IS 'session-revocation revocation links (schema version 1)';

-- Fails (and rolls everything back) when a table of the same name already exists with
-- another shape, instead of failing later on the first sign-in.
SELECT id, user_id, tenant_id, kind, secret_hash, created_at, last_used_at, expires_at, device_key,
       browser, os, device_type, user_agent, ip, data, revoked_at, revoked_reason, authenticated_at, persistent, impersonator_id,
       impersonator_session_id
  FROM "session_revocation"."sessions" LIMIT 0;
SELECT user_id, kind, epoch, high_water FROM "session_revocation"."sessions_epochs" LIMIT 0;
SELECT user_id, session_id, until FROM "session_revocation"."sessions_denied" LIMIT 0;
SELECT tenant_id, kind, epoch, high_water FROM "session_revocation"."sessions_tenant_epochs" LIMIT 0;
SELECT id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor FROM "session_revocation"."sessions_activity" LIMIT 0;
SELECT user_id, device_hash, last_seen_at, previous_seen_at FROM "session_revocation"."sessions_devices" LIMIT 0;
SELECT id, secret_hash, user_id, session_id, expires_at, device_key, tenant_id FROM "session_revocation"."sessions_links" LIMIT 0;

COMMIT;
