import { SessionError } from '../../src/errors.js';
import type { Connection, Run } from './connection.js';
import type { TableNames } from './options.js';
import { ACTIVITY_COLUMNS, LINK_COLUMNS, SESSION_COLUMNS } from './rows.js';

// Every text column is VARBINARY: ids, kinds and device keys are the application's bytes,
// compared byte for byte (no collation folds "Alice" into "alice" or ignores a trailing
// space) and stored with no charset conversion. Sizes allow the manager's character limits
// (STORE_LIMITS) at 4 bytes a character. Times are BIGINT milliseconds since 1970 UTC, as the
// library hands them over: no time zone, no rounding, epoch + 1 is one millisecond later.
const ID = 'VARBINARY(1024)';
const KIND = 'VARBINARY(255)';
// FEDERATED_LIMITS: an issuer of 512 characters, subjects, provider session ids and token ids of 255.
const ISS = 'VARBINARY(2048)';
const FEDERATED_ID = 'VARBINARY(1020)';

/** The version of the tables this store reads and writes, recorded in `<prefix>schema`. */
export const SCHEMA_VERSION = 1;

/** The statements that create the tables, each idempotent: `migrate()` runs them all. */
export function schemaStatements(t: TableNames): readonly string[] {
  return [
    // One row per session; a revoked one stays as a tombstone (revoked_at, revoked_reason)
    // until prune deletes it after expires_at. The token itself is never stored.
    `CREATE TABLE IF NOT EXISTS ${t.sessions} (
      id ${ID} NOT NULL PRIMARY KEY, user_id ${ID} NOT NULL, tenant_id ${ID} NULL, kind ${KIND} NOT NULL,
      secret_hash VARBINARY(64) NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL, authenticated_at BIGINT NOT NULL, persistent TINYINT NULL,
      device_key VARBINARY(2048) NULL, browser VARBINARY(1024) NULL, os VARBINARY(1024) NULL,
      device_type VARBINARY(1024) NULL, user_agent VARBINARY(2048) NULL, ip VARBINARY(256) NULL, data BLOB NULL,
      impersonator_id ${ID} NULL, revoked_at BIGINT NULL, revoked_reason VARBINARY(1024) NULL,
      impersonator_session_id ${ID} NULL,
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
    // device_key and tenant_id: what the link signs out once its session's row is gone.
    `CREATE TABLE IF NOT EXISTS ${t.links} (
      id ${ID} NOT NULL PRIMARY KEY, secret_hash VARBINARY(64) NOT NULL, user_id ${ID} NOT NULL,
      session_id ${ID} NOT NULL, expires_at BIGINT NOT NULL, device_key VARBINARY(2048) NULL, tenant_id ${ID} NULL,
      KEY user_links (user_id), KEY expires (expires_at)
    ) ENGINE=InnoDB`,
    // Where a session came from at an identity provider, found by the provider's session, by the
    // user there, and by the local user; kept until the session expires.
    `CREATE TABLE IF NOT EXISTS ${t.federatedLinks} (
      session_id ${ID} NOT NULL PRIMARY KEY, user_id ${ID} NOT NULL, iss ${ISS} NOT NULL, sub ${FEDERATED_ID} NOT NULL,
      sid ${FEDERATED_ID} NULL, expires_at BIGINT NOT NULL,
      KEY by_sid (iss, sid), KEY by_sub (iss, sub), KEY by_user (user_id), KEY expires (expires_at)
    ) ENGINE=InnoDB`,
    // Logout tokens already accepted, until their window ends: a replay from any instance is a duplicate key.
    `CREATE TABLE IF NOT EXISTS ${t.logoutTokens} (
      iss ${ISS} NOT NULL, jti ${FEDERATED_ID} NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (iss, jti), KEY until (until)
    ) ENGINE=InnoDB`,
  ];
}

// Fails when a table of the same name exists with another shape, at migrate() rather than on
// the first sign-in.
const shapeChecks = (t: TableNames): readonly string[] =>
  [
    [t.sessions, SESSION_COLUMNS.join(', ')],
    [t.epochs, 'user_id, kind, epoch, high_water'],
    [t.denied, 'user_id, session_id, until'],
    [t.tenantEpochs, 'tenant_id, kind, epoch, high_water'],
    [t.activity, ACTIVITY_COLUMNS],
    [t.devices, 'user_id, device_hash, last_seen_at, previous_seen_at'],
    [t.links, LINK_COLUMNS],
    [t.federatedLinks, 'session_id, user_id, iss, sub, sid, expires_at'],
    [t.logoutTokens, 'iss, jti, until'],
  ].map(([table, columns]) => `SELECT ${columns} FROM ${table} LIMIT 0`);

/**
 * Runs `body` holding a named lock of this database and prefix (`GET_LOCK`, waiting up to
 * `waitSeconds`); `undefined`, at once, when another connection holds it. A connection that
 * fails to release it is closed, which releases it.
 */
export async function underNamedLock<T>(connection: Connection, t: TableNames, purpose: string, waitSeconds: number, body: () => Promise<T>): Promise<T | undefined> {
  const name = "CONCAT(?, SHA1(CONCAT(DATABASE(), '.', ?)))";
  const [got] = await connection.rows(`SELECT GET_LOCK(${name}, ?) AS locked`, [purpose, t.prefix, waitSeconds]);
  if (Number(got?.['locked']) !== 1) return undefined;
  try {
    return await body();
  } finally {
    // Never hides the body's own failure.
    await connection.rows(`SELECT RELEASE_LOCK(${name}) AS released`, [purpose, t.prefix]).catch(() => connection.discard());
  }
}

/**
 * Creates the tables and records {@link SCHEMA_VERSION}. MySQL commits each CREATE on its own, so
 * the statements are idempotent and run under a named lock (`GET_LOCK`, per database and
 * prefix): two instances starting at once take turns, and the second finds the work done. The
 * version is recorded after the tables, so an interrupted migration runs again. No deadline: it
 * may wait for another instance.
 * @returns The version the tables were at before (0: none).
 */
export async function migrate(run: Run, t: TableNames): Promise<number> {
  const migrated = await run(
    'migrate',
    (connection) =>
      underNamedLock(connection, t, 'sr:', 600, async () => {
        await connection.write(`CREATE TABLE IF NOT EXISTS ${t.schema} (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL) ENGINE=InnoDB`);
        const [row] = await connection.rows(`SELECT version FROM ${t.schema} WHERE id = 1`);
        const from = row === undefined ? 0 : Number(row['version']);
        if (from > SCHEMA_VERSION) {
          throw new SessionError('STORE_ERROR', `MySQL session store: the tables (prefix "${t.prefix}") are at schema version ${from}, newer than this release reads (${SCHEMA_VERSION}): upgrade session-revocation.`);
        }
        if (from < SCHEMA_VERSION) {
          for (const sql of schemaStatements(t)) await connection.write(sql);
          await connection.write(`INSERT INTO ${t.schema} (id, version) VALUES (1, ?) ON DUPLICATE KEY UPDATE version = ?`, [SCHEMA_VERSION, SCHEMA_VERSION]);
        }
        for (const sql of shapeChecks(t)) await connection.rows(sql);
        return from;
      }),
    null,
  );
  if (migrated === undefined) throw new SessionError('STORE_UNAVAILABLE', 'MySQL session store: another instance held the migration lock for 10 minutes.');
  return migrated;
}
