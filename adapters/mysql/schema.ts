import { SessionError } from '../../src/errors.js';
import type { Database } from './connection.js';
import type { TableNames } from './options.js';

/** The schema version this store reads and writes. */
export const SCHEMA_VERSION = 1;

// Every text column is VARBINARY: ids, kinds and device keys are the application's bytes,
// compared byte for byte (no collation folds "Alice" into "alice" or ignores a trailing
// space) and stored with no charset conversion. Sizes allow the manager's character limits
// (STORE_LIMITS) at 4 bytes a character. Times are BIGINT milliseconds since 1970 UTC, as the
// library hands them over: no time zone, no rounding, epoch + 1 is one millisecond later.
const ID = 'VARBINARY(1024)';
const KIND = 'VARBINARY(255)';

/** The statements of each schema version, in order; `migrate()` runs those above the recorded version. */
export function migrations(t: TableNames): ReadonlyArray<readonly string[]> {
  return [
    // Version 1.
    [
      // One row per session; a revoked one stays as a tombstone (revoked_at, revoked_reason)
      // until prune deletes it after expires_at. The token itself is never stored.
      `CREATE TABLE IF NOT EXISTS ${t.sessions} (
        id ${ID} NOT NULL PRIMARY KEY, user_id ${ID} NOT NULL, tenant_id ${ID} NULL, kind ${KIND} NOT NULL,
        secret_hash VARBINARY(64) NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL, authenticated_at BIGINT NOT NULL, persistent TINYINT NULL,
        device_key VARBINARY(2048) NULL, browser VARBINARY(1024) NULL, os VARBINARY(1024) NULL,
        device_type VARBINARY(1024) NULL, user_agent VARBINARY(2048) NULL, ip VARBINARY(256) NULL, data BLOB NULL,
        impersonator_id ${ID} NULL, revoked_at BIGINT NULL, revoked_reason VARBINARY(1024) NULL,
        KEY user_kind (user_id, kind), KEY expires (expires_at)
      ) ENGINE=InnoDB`,
      // Epochs per user and kind; high_water is the newest created_at seen. Never pruned.
      `CREATE TABLE IF NOT EXISTS ${t.epochs} (
        user_id ${ID} NOT NULL, kind ${KIND} NOT NULL, epoch BIGINT NOT NULL DEFAULT 0, high_water BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, kind)
      ) ENGINE=InnoDB`,
      // Individually revoked sessions, kept until the last access token minted for them expires.
      `CREATE TABLE IF NOT EXISTS ${t.denied} (
        user_id ${ID} NOT NULL, session_id ${ID} NOT NULL, until BIGINT NOT NULL,
        PRIMARY KEY (user_id, session_id), KEY until (until)
      ) ENGINE=InnoDB`,
      `CREATE TABLE IF NOT EXISTS ${t.tenantEpochs} (
        tenant_id ${ID} NOT NULL, kind ${KIND} NOT NULL, epoch BIGINT NOT NULL DEFAULT 0, high_water BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, kind)
      ) ENGINE=InnoDB`,
      // Ids sort like time as bytes, so a page is an index range on one user's (or tenant's) entries.
      `CREATE TABLE IF NOT EXISTS ${t.activity} (
        id VARBINARY(255) NOT NULL PRIMARY KEY, user_id ${ID} NULL, tenant_id ${ID} NULL, type VARBINARY(255) NOT NULL,
        at BIGINT NOT NULL, reason VARBINARY(1024) NOT NULL, session_id ${ID} NULL, device_label VARBINARY(2048) NULL,
        ip VARBINARY(256) NULL, actor ${ID} NULL,
        KEY user_entries (user_id, id), KEY tenant_entries (tenant_id, id), KEY at (at)
      ) ENGINE=InnoDB`,
      // previous_seen_at: last_seen_at before the latest sighting, read back by the sighting itself.
      `CREATE TABLE IF NOT EXISTS ${t.devices} (
        user_id ${ID} NOT NULL, device_hash VARBINARY(255) NOT NULL, last_seen_at BIGINT NOT NULL, previous_seen_at BIGINT NULL,
        PRIMARY KEY (user_id, device_hash), KEY last_seen (last_seen_at)
      ) ENGINE=InnoDB`,
      `CREATE TABLE IF NOT EXISTS ${t.links} (
        id ${ID} NOT NULL PRIMARY KEY, secret_hash VARBINARY(64) NOT NULL, user_id ${ID} NOT NULL,
        session_id ${ID} NOT NULL, expires_at BIGINT NOT NULL,
        KEY user_links (user_id), KEY expires (expires_at)
      ) ENGINE=InnoDB`,
    ],
  ];
}

// Fails when a table of the same name exists with another shape, at migrate() rather than on
// the first sign-in.
function shapeChecks(t: TableNames): readonly string[] {
  return [
    `SELECT id, user_id, tenant_id, kind, secret_hash, created_at, last_used_at, expires_at, authenticated_at, persistent, device_key,
      browser, os, device_type, user_agent, ip, data, impersonator_id, revoked_at, revoked_reason FROM ${t.sessions} LIMIT 0`,
    `SELECT user_id, kind, epoch, high_water FROM ${t.epochs} LIMIT 0`,
    `SELECT user_id, session_id, until FROM ${t.denied} LIMIT 0`,
    `SELECT tenant_id, kind, epoch, high_water FROM ${t.tenantEpochs} LIMIT 0`,
    `SELECT id, user_id, tenant_id, type, at, reason, session_id, device_label, ip, actor FROM ${t.activity} LIMIT 0`,
    `SELECT user_id, device_hash, last_seen_at, previous_seen_at FROM ${t.devices} LIMIT 0`,
    `SELECT id, secret_hash, user_id, session_id, expires_at FROM ${t.links} LIMIT 0`,
  ];
}

/**
 * Brings the tables to {@link SCHEMA_VERSION}. MySQL commits each CREATE on its own, so the
 * steps are idempotent and run under a named lock (`GET_LOCK`, per database and prefix): two
 * instances starting at once take turns, and the second finds the work done. The version is
 * recorded after its steps, so an interrupted migration runs them again. No deadline: it may
 * wait for another instance.
 * @returns The version the tables were at before (0: none).
 */
export async function migrate(db: Database, t: TableNames): Promise<number> {
  return db.run(
    'migrate',
    async (connection) => {
      const lock = [t.prefix];
      const [locked] = await connection.rows("SELECT GET_LOCK(CONCAT('sr:', SHA1(CONCAT(DATABASE(), '.', ?))), 600) AS locked", lock);
      if (Number(locked?.['locked']) !== 1) throw new SessionError('STORE_UNAVAILABLE', 'MySQL session store: another instance held the migration lock for 10 minutes.');
      try {
        await connection.write(`CREATE TABLE IF NOT EXISTS ${t.schema} (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL) ENGINE=InnoDB`);
        const [row] = await connection.rows(`SELECT version FROM ${t.schema} WHERE id = 1`);
        const from = row === undefined ? 0 : Number(row['version']);
        if (from > SCHEMA_VERSION) {
          throw new SessionError('STORE_ERROR', `MySQL session store: the tables (prefix "${t.prefix}") are at schema version ${from}, newer than this release reads (${SCHEMA_VERSION}): upgrade session-revocation.`);
        }
        const steps = migrations(t);
        for (let version = from + 1; version <= SCHEMA_VERSION; version += 1) {
          for (const sql of steps[version - 1]!) await connection.write(sql);
          await connection.write(`INSERT INTO ${t.schema} (id, version) VALUES (1, ?) ON DUPLICATE KEY UPDATE version = VALUES(version)`, [version]);
        }
        for (const sql of shapeChecks(t)) await connection.rows(sql);
        return from;
      } finally {
        await connection.rows("SELECT RELEASE_LOCK(CONCAT('sr:', SHA1(CONCAT(DATABASE(), '.', ?)))) AS released", lock).catch(() => undefined);
      }
    },
    null,
  );
}
