-- session-revocation: PostgreSQL tables for schema "session_revocation", table "sessions" (schema version 1).
-- What postgresStore({ pool, schema: 'session_revocation', table: 'sessions' }).migrate() runs: psql -v ON_ERROR_STOP=1 -f schema.sql,
-- or postgresSchemaSql({ schema, table }) for other names. Idempotent, under an advisory lock. Times are ms (bigint).
BEGIN;
SELECT pg_advisory_xact_lock(-6251929965506663392);
CREATE SCHEMA IF NOT EXISTS "session_revocation";
-- Tables a later release migrated are refused, not misread.
DO $check$ DECLARE found integer := substring(obj_description(to_regclass('"session_revocation"."sessions"'), 'pg_class') FROM 'schema version ([0-9]+)')::integer; BEGIN
  IF found > 1 THEN
    RAISE EXCEPTION 'the tables "session_revocation"."sessions" are at schema version %, newer than this version of session-revocation reads (1): upgrade session-revocation', found;
  END IF;
END $check$;
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions" (id TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL, tenant_id TEXT COLLATE "C" NULL, kind TEXT COLLATE "C" NOT NULL, expires_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL, authenticated_at BIGINT NOT NULL, revoked_at BIGINT NULL, revoked_reason TEXT COLLATE "C" NULL, record TEXT NOT NULL, PRIMARY KEY (id));
CREATE INDEX IF NOT EXISTS "sessions_user_idx" ON "session_revocation"."sessions" (user_id);
CREATE INDEX IF NOT EXISTS "sessions_expires_idx" ON "session_revocation"."sessions" (expires_at);
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_owners" (scope TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (scope, owner));
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_epochs" (scope TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, epoch BIGINT NOT NULL, PRIMARY KEY (scope, owner, kind));
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_high_water" (scope TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (scope, owner, kind));
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_denied" (user_id TEXT COLLATE "C" NOT NULL, session_id TEXT COLLATE "C" NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (user_id, session_id));
CREATE INDEX IF NOT EXISTS "sessions_denied_until_idx" ON "session_revocation"."sessions_denied" (until);
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_devices" (user_id TEXT COLLATE "C" NOT NULL, device_hash TEXT COLLATE "C" NOT NULL, last_seen_at BIGINT NOT NULL, PRIMARY KEY (user_id, device_hash));
CREATE INDEX IF NOT EXISTS "sessions_devices_seen_idx" ON "session_revocation"."sessions_devices" (last_seen_at);
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_activity" (id TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NULL, tenant_id TEXT COLLATE "C" NULL, at BIGINT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (id));
CREATE INDEX IF NOT EXISTS "sessions_activity_user_idx" ON "session_revocation"."sessions_activity" (user_id, id);
CREATE INDEX IF NOT EXISTS "sessions_activity_tenant_idx" ON "session_revocation"."sessions_activity" (tenant_id, id);
CREATE INDEX IF NOT EXISTS "sessions_activity_at_idx" ON "session_revocation"."sessions_activity" (at);
CREATE TABLE IF NOT EXISTS "session_revocation"."sessions_keys" (id TEXT COLLATE "C" NOT NULL, value TEXT NOT NULL, expires_at BIGINT NOT NULL, user_id TEXT COLLATE "C" NULL, version BIGINT NOT NULL, PRIMARY KEY (id));
CREATE INDEX IF NOT EXISTS "sessions_keys_user_idx" ON "session_revocation"."sessions_keys" (user_id);
CREATE INDEX IF NOT EXISTS "sessions_keys_expires_idx" ON "session_revocation"."sessions_keys" (expires_at);
SELECT 1 FROM (SELECT id, user_id, tenant_id, kind, expires_at, last_used_at, authenticated_at, revoked_at, revoked_reason, record FROM "session_revocation"."sessions" LIMIT 0) t0, (SELECT scope, owner, version FROM "session_revocation"."sessions_owners" LIMIT 0) t1, (SELECT scope, owner, kind, epoch FROM "session_revocation"."sessions_epochs" LIMIT 0) t2, (SELECT scope, owner, kind, at FROM "session_revocation"."sessions_high_water" LIMIT 0) t3, (SELECT user_id, session_id, until FROM "session_revocation"."sessions_denied" LIMIT 0) t4, (SELECT user_id, device_hash, last_seen_at FROM "session_revocation"."sessions_devices" LIMIT 0) t5, (SELECT id, user_id, tenant_id, at, entry FROM "session_revocation"."sessions_activity" LIMIT 0) t6, (SELECT id, value, expires_at, user_id, version FROM "session_revocation"."sessions_keys" LIMIT 0) t7;
CREATE OR REPLACE FUNCTION "session_revocation"."sessions_apply"(a_scope text, a_owner text, a_version bigint, a_steps text, a_channel text, a_notice text, a_wait bigint)
RETURNS integer LANGUAGE plpgsql AS $apply$
DECLARE w jsonb; r record; deadline timestamptz := clock_timestamp() + make_interval(secs => a_wait / 1000.0);
BEGIN
  -- No lock is waited for past the caller's deadline (set for this statement's transaction only).
  PERFORM set_config('lock_timeout', a_wait || 'ms', true);
  IF a_scope = 'k' THEN
    IF a_version = 0 THEN
      INSERT INTO "session_revocation"."sessions_keys" (id, value, expires_at, user_id, version) VALUES (a_owner, '', 0, NULL, 0) ON CONFLICT (id) DO NOTHING;
      IF NOT FOUND THEN RETURN 0; END IF;
    ELSIF a_version IS NOT NULL THEN
      PERFORM version FROM "session_revocation"."sessions_keys" WHERE id = a_owner AND version = a_version FOR UPDATE;
      IF NOT FOUND THEN RETURN 0; END IF;
    END IF;
  ELSIF a_version IS NOT NULL THEN
    UPDATE "session_revocation"."sessions_owners" SET version = version + 1 WHERE scope = a_scope AND owner = a_owner AND version = a_version;
    IF NOT FOUND THEN
      IF a_version <> 0 THEN RETURN 0; END IF;
      INSERT INTO "session_revocation"."sessions_owners" (scope, owner, version) VALUES (a_scope, a_owner, 1) ON CONFLICT (scope, owner) DO NOTHING;
      IF NOT FOUND THEN RETURN 0; END IF;
    END IF;
  ELSE
    UPDATE "session_revocation"."sessions_owners" SET version = version + 1 WHERE scope = a_scope AND owner = a_owner;
    IF NOT FOUND THEN
      INSERT INTO "session_revocation"."sessions_owners" (scope, owner, version) VALUES (a_scope, a_owner, 1) ON CONFLICT (scope, owner) DO NOTHING;
      -- Another batch inserted the row between the two: it exists now, and this bump waits for it.
      IF NOT FOUND THEN
        UPDATE "session_revocation"."sessions_owners" SET version = version + 1 WHERE scope = a_scope AND owner = a_owner;
        IF NOT FOUND THEN RETURN 0; END IF;
      END IF;
    END IF;
  END IF;
  FOR w IN SELECT value FROM jsonb_array_elements(a_steps::jsonb) LOOP
    IF clock_timestamp() >= deadline THEN RAISE EXCEPTION 'the session store call ran past its deadline' USING ERRCODE = 'query_canceled'; END IF;
    PERFORM set_config('lock_timeout', greatest(1, ceil(1000 * extract(epoch FROM deadline - clock_timestamp())))::bigint || 'ms', true);
    CASE w->>0
      WHEN 'insert' THEN INSERT INTO "session_revocation"."sessions" AS o (id, user_id, tenant_id, kind, expires_at, last_used_at, authenticated_at, revoked_at, revoked_reason, record) VALUES ((w->>1), (w->>2), (w->>3), (w->>4), (w->>5)::bigint, (w->>6)::bigint, (w->>7)::bigint, (w->>8)::bigint, (w->>9), (w->>10)) ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, tenant_id = excluded.tenant_id, kind = excluded.kind, expires_at = excluded.expires_at, last_used_at = excluded.last_used_at, authenticated_at = excluded.authenticated_at, revoked_at = excluded.revoked_at, revoked_reason = excluded.revoked_reason, record = excluded.record;
      WHEN 'revoke' THEN UPDATE "session_revocation"."sessions" SET revoked_at = (w->>1)::bigint, revoked_reason = (w->>2) WHERE id = (w->>3) AND user_id = (w->>4);
      WHEN 'epoch' THEN INSERT INTO "session_revocation"."sessions_epochs" AS o (scope, owner, kind, epoch) VALUES ((w->>1), (w->>2), (w->>3), (w->>4)::bigint) ON CONFLICT (scope, owner, kind) DO UPDATE SET epoch = excluded.epoch;
      WHEN 'highWater' THEN INSERT INTO "session_revocation"."sessions_high_water" AS o (scope, owner, kind, at) VALUES ((w->>1), (w->>2), (w->>3), (w->>4)::bigint) ON CONFLICT (scope, owner, kind) DO UPDATE SET at = GREATEST(o.at, excluded.at);
      WHEN 'deny' THEN INSERT INTO "session_revocation"."sessions_denied" AS o (user_id, session_id, until) VALUES ((w->>1), (w->>2), (w->>3)::bigint) ON CONFLICT (user_id, session_id) DO UPDATE SET until = excluded.until;
      WHEN 'device' THEN INSERT INTO "session_revocation"."sessions_devices" AS o (user_id, device_hash, last_seen_at) VALUES ((w->>1), (w->>2), (w->>3)::bigint) ON CONFLICT (user_id, device_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at;
      WHEN 'activity' THEN INSERT INTO "session_revocation"."sessions_activity" AS o (id, user_id, tenant_id, at, entry) VALUES ((w->>1), (w->>2), (w->>3), (w->>4)::bigint, (w->>5)) ON CONFLICT (id) DO UPDATE SET entry = excluded.entry;
      WHEN 'putKey' THEN INSERT INTO "session_revocation"."sessions_keys" AS o (id, value, expires_at, user_id, version) VALUES ((w->>1), (w->>2), (w->>3)::bigint, (w->>4), (w->>5)::bigint) ON CONFLICT (id) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, user_id = excluded.user_id, version = o.version + 1;
      WHEN 'deleteKey' THEN DELETE FROM "session_revocation"."sessions_keys" WHERE id = (w->>1);
      WHEN 'userSessions' THEN FOR r IN SELECT id FROM "session_revocation"."sessions" WHERE user_id = (w->>1) LOOP DELETE FROM "session_revocation"."sessions" WHERE id = r.id; END LOOP;
      WHEN 'eraseDenied' THEN DELETE FROM "session_revocation"."sessions_denied" WHERE user_id = (w->>1);
      WHEN 'eraseDevices' THEN DELETE FROM "session_revocation"."sessions_devices" WHERE user_id = (w->>1);
      WHEN 'eraseActivity' THEN DELETE FROM "session_revocation"."sessions_activity" WHERE user_id = (w->>1);
      WHEN 'eraseKeys' THEN DELETE FROM "session_revocation"."sessions_keys" WHERE user_id = (w->>1);
    END CASE;
  END LOOP;
  IF a_scope = 'k' AND a_version = 0 THEN DELETE FROM "session_revocation"."sessions_keys" WHERE id = a_owner AND version = 0; END IF;
  IF clock_timestamp() >= deadline THEN RAISE EXCEPTION 'the session store call ran past its deadline' USING ERRCODE = 'query_canceled'; END IF;
  IF a_channel IS NOT NULL THEN PERFORM pg_notify(a_channel, a_notice); END IF;
  RETURN 1;
END $apply$;
COMMENT ON TABLE "session_revocation"."sessions" IS 'session-revocation sessions (schema version 1)';
COMMIT;
