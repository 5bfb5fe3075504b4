import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import { primaryCode } from './errors.js';

/** Quoted table and index names of one store (one `tablePrefix`). */
export interface TableNames {
  readonly sessions: string;
  readonly epochs: string;
  readonly denied: string;
  readonly meta: string;
  readonly tenantEpochs: string;
  readonly activity: string;
  readonly devices: string;
  readonly links: string;
  readonly federatedLinks: string;
  readonly logoutTokens: string;
  /** The unquoted prefix, for index names. */
  readonly prefix: string;
}

/** Table names for a prefix already checked to be a plain identifier. */
export function tableNames(prefix: string): TableNames {
  return {
    sessions: `"${prefix}sessions"`,
    epochs: `"${prefix}epochs"`,
    denied: `"${prefix}denied"`,
    meta: `"${prefix}meta"`,
    tenantEpochs: `"${prefix}tenant_epochs"`,
    activity: `"${prefix}activity"`,
    devices: `"${prefix}devices"`,
    links: `"${prefix}links"`,
    federatedLinks: `"${prefix}federated_links"`,
    logoutTokens: `"${prefix}logout_tokens"`,
    prefix,
  };
}

// Times are INTEGER milliseconds. `epochs` holds one row per user and kind with both the
// epoch (NULL until the first revokeAll) and the high-water mark of created_at, so create and
// revokeAll each touch one row; pruning never deletes from it. `denied` is the access-token
// deny-list, keyed by session id alone because ids are unique across users.
//
// `tenant_epochs` is `epochs` for tenants (epoch and high-water mark in one row per tenant and
// kind): revokeTenant writes one row per kind, however many users and sessions the tenant
// has. `activity` ids sort like time (the manager makes them so); the default BINARY
// collation compares them byte by byte, so ORDER BY id is the contract's order. A user's
// entries are read through (user_id, id), a tenant's own entries (no user) through the
// partial index on (tenant_id, id), and pruning goes through `at`. `devices` and `links` are
// read by user (export, erase) and pruned by time. `federated_links` (where a session came from
// at an identity provider) is found by the provider's session, by the user there and by the
// local user; `logout_tokens` holds the logout tokens already accepted until their window ends.
function schemaSql(t: TableNames): string {
  const p = t.prefix;
  return `
    CREATE TABLE IF NOT EXISTS ${t.meta} (
      key TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t.sessions} (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      tenant_id TEXT,
      kind TEXT NOT NULL,
      secret_hash BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      last_used_at INTEGER NOT NULL,
      device_key TEXT,
      browser TEXT,
      os TEXT,
      device_type TEXT,
      user_agent TEXT,
      ip TEXT,
      data TEXT,
      revoked_at INTEGER,
      revoked_reason TEXT,
      authenticated_at INTEGER,
      persistent INTEGER,
      impersonator_id TEXT,
      impersonator_session_id TEXT
    );
    CREATE INDEX IF NOT EXISTS "${p}sessions_user" ON ${t.sessions} (user_id, kind, device_key);
    CREATE INDEX IF NOT EXISTS "${p}sessions_expiry" ON ${t.sessions} (expires_at);
    CREATE TABLE IF NOT EXISTS ${t.epochs} (
      user_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      epoch INTEGER,
      high_water INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (user_id, kind)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t.denied} (
      session_id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      until INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS "${p}denied_user" ON ${t.denied} (user_id);
    CREATE INDEX IF NOT EXISTS "${p}denied_until" ON ${t.denied} (until);
    CREATE TABLE IF NOT EXISTS ${t.tenantEpochs} (
      tenant_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      epoch INTEGER,
      high_water INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, kind)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${t.activity} (
      id TEXT PRIMARY KEY,
      user_id TEXT,
      tenant_id TEXT,
      type TEXT NOT NULL,
      at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      session_id TEXT,
      device_label TEXT,
      ip TEXT,
      by TEXT
    );
    CREATE INDEX IF NOT EXISTS "${p}activity_user" ON ${t.activity} (user_id, id);
    CREATE INDEX IF NOT EXISTS "${p}activity_tenant" ON ${t.activity} (tenant_id, id) WHERE user_id IS NULL;
    CREATE INDEX IF NOT EXISTS "${p}activity_at" ON ${t.activity} (at);
    CREATE TABLE IF NOT EXISTS ${t.devices} (
      user_id TEXT NOT NULL,
      device_hash TEXT NOT NULL,
      last_seen_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, device_hash)
    );
    CREATE INDEX IF NOT EXISTS "${p}devices_seen" ON ${t.devices} (last_seen_at);
    CREATE TABLE IF NOT EXISTS ${t.links} (
      id TEXT PRIMARY KEY,
      secret_hash BLOB NOT NULL,
      user_id TEXT NOT NULL,
      session_id TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      device_key TEXT,
      tenant_id TEXT
    );
    CREATE INDEX IF NOT EXISTS "${p}links_user" ON ${t.links} (user_id);
    CREATE INDEX IF NOT EXISTS "${p}links_expiry" ON ${t.links} (expires_at);
    CREATE TABLE IF NOT EXISTS ${t.federatedLinks} (
      session_id TEXT PRIMARY KEY,
      user_id    TEXT NOT NULL,
      iss        TEXT NOT NULL,
      sub        TEXT NOT NULL,
      sid        TEXT,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS "${p}federated_links_sid_idx" ON ${t.federatedLinks} (iss, sid) WHERE sid IS NOT NULL;
    CREATE INDEX IF NOT EXISTS "${p}federated_links_sub_idx" ON ${t.federatedLinks} (iss, sub);
    CREATE INDEX IF NOT EXISTS "${p}federated_links_user_idx" ON ${t.federatedLinks} (user_id);
    CREATE INDEX IF NOT EXISTS "${p}federated_links_expires_idx" ON ${t.federatedLinks} (expires_at);
    CREATE TABLE IF NOT EXISTS ${t.logoutTokens} (
      iss   TEXT NOT NULL,
      jti   TEXT NOT NULL,
      until INTEGER NOT NULL,
      PRIMARY KEY (iss, jti)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS "${p}logout_tokens_until_idx" ON ${t.logoutTokens} (until);
  `;
}

/** The version of the tables this store reads and writes, recorded in the `meta` table. */
export const SCHEMA_VERSION = 1;

/**
 * Creates the tables when missing and records the schema version, in one write transaction so
 * processes starting together do not race (the second one finds the work done). A database
 * written by a newer schema is refused rather than misread.
 */
export function ensureSchema(db: BetterSqlite3.Database, names: TableNames): void {
  const apply = db.transaction((): number => {
    db.exec(schemaSql(names));
    db.prepare(`INSERT OR IGNORE INTO ${names.meta} (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
    return db.prepare<[], number>(`SELECT value FROM ${names.meta} WHERE key = 'schema_version'`).pluck().get() ?? SCHEMA_VERSION;
  });
  const version = apply.immediate();
  if (version > SCHEMA_VERSION) {
    throw new SessionError(
      'STORE_ERROR',
      `The SQLite session tables (prefix "${names.prefix}") use schema version ${version}; this version of session-revocation reads version ${SCHEMA_VERSION}. Upgrade session-revocation.`,
    );
  }
}

/**
 * Settings for a file the store opened itself: WAL lets readers go on while one process
 * writes, and `synchronous = NORMAL` is durable across application crashes in WAL (only a
 * power loss may drop the last commits) while sparing an fsync per write; `secure_delete`
 * zeroes what a delete frees. In-memory databases have no WAL and no file to copy.
 *
 * Switching a new file to WAL upgrades a read lock to an exclusive one. When several
 * processes open the same new file at once, SQLite answers `SQLITE_BUSY` at once instead of
 * waiting (waiting could deadlock two upgrading readers), so the busy timeout does not
 * help: the switch is retried with a short random pause until `busyTimeout` has passed.
 */
export async function configureOwnedDatabase(db: BetterSqlite3.Database, busyTimeout: number): Promise<void> {
  if (db.memory) return;
  // Deleted rows are overwritten with zeros, not left in free space: an erased user stays
  // unreadable in a copy of the file (the WAL is checkpointed after an erase).
  db.pragma('secure_delete = ON');
  const deadline = Date.now() + busyTimeout;
  for (let attempt = 0; ; attempt++) {
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode === 'wal') db.pragma('synchronous = NORMAL');
      return;
    } catch (error) {
      if (primaryCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      await pause(Math.random() * Math.min(100, 2 ** attempt));
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
