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
COMMENT ON TABLE "session_revocation"."sessions" IS 'session-revocation sessions (schema version 1)';
COMMIT;
