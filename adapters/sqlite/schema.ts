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
    prefix,
  };
}

// Times are INTEGER milliseconds. `epochs` holds one row per user and kind with both the
// epoch (NULL until the first revokeAll) and the high-water mark of created_at, so create and
// revokeAll each touch one row; pruning never deletes from it. `denied` is the access-token
// deny-list, keyed by session id alone because ids are unique across users. The columns an
// upgrade added come last, in the order ALTER TABLE appends them, so a new file and an
// upgraded one have the same columns.
//
// `tenant_epochs` is `epochs` for tenants (epoch and high-water mark in one row per tenant and
// kind): revokeTenant writes one row per kind, however many users and sessions the tenant
// has. `activity` ids sort like time (the manager makes them so); the default BINARY
// collation compares them byte by byte, so ORDER BY id is the contract's order. A user's
// entries are read through (user_id, id), a tenant's own entries (no user) through the
// partial index on (tenant_id, id), and pruning goes through `at`. `devices` and `links` are
// read by user (export, erase) and pruned by time.
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
  `;
}

// UPGRADES[n - 1] takes the tables from version n to n + 1.
const UPGRADES: ReadonlyArray<(db: BetterSqlite3.Database, t: TableNames) => void> = [
  // 1 -> 2: when the user last proved who they are, and the session-only cookie flag (0; NULL
  // is persistent). The rows already there keep NULL, read as their created_at: adding a
  // column this way rewrites no row, so the upgrade holds the write lock for an instant
  // however many sessions there are, and rows a process of the older version still running
  // goes on writing read the same way.
  (db, t) =>
    db.exec(`
    ALTER TABLE ${t.sessions} ADD COLUMN authenticated_at INTEGER;
    ALTER TABLE ${t.sessions} ADD COLUMN persistent INTEGER;
  `),
  // 2 -> 3: who acts on a support session. The tenant epochs, activity, known devices and
  // revocation links are new tables, created (empty) by the schema above before this step
  // runs, so the rows already there are neither read nor rewritten. A process of version 2
  // still running goes on reading and writing the sessions, epochs and deny-list it knows;
  // it neither sees tenant epochs nor writes activity until it restarts on this version.
  (db, t) => db.exec(`ALTER TABLE ${t.sessions} ADD COLUMN impersonator_id TEXT;`),
  // 3 -> 4: the admin's own session behind a support session, added the same way: NULL in the
  // rows already there (no such session), no row rewritten. A process of version 3 still
  // running names its own columns, so its inserts leave it NULL and its reads skip it.
  (db, t) => db.exec(`ALTER TABLE ${t.sessions} ADD COLUMN impersonator_session_id TEXT;`),
  // 4 -> 5: the device key and tenant of a link's session, which the link signs out once that
  // row is gone. NULL in the links already there (read as a link without its device), no row
  // rewritten; a process of an earlier version still running names its own columns, so its
  // links carry no device. Tables from before version 3 got the links table from the schema
  // above, columns included: they are added only where missing.
  (db, t) => addMissingColumns(db, t.links, ['device_key TEXT', 'tenant_id TEXT']),
];

/** The schema this version of the store reads and writes: one past the last upgrade. */
export const SCHEMA_VERSION = UPGRADES.length + 1;

function addMissingColumns(db: BetterSqlite3.Database, table: string, columns: readonly string[]): void {
  const present = new Set((db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((column) => column.name));
  for (const column of columns) if (!present.has(column.split(' ')[0]!)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column};`);
}

/**
 * Creates the tables when missing, upgrades tables of an older version step by step and
 * records the schema version, in one write transaction so processes starting together do not
 * race (the second one finds the work done). A database written by a newer schema is refused
 * rather than misread.
 */
export function ensureSchema(db: BetterSqlite3.Database, names: TableNames): void {
  const apply = db.transaction((): number => {
    db.exec(schemaSql(names));
    db.prepare(`INSERT OR IGNORE INTO ${names.meta} (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
    const found = db.prepare<[], number>(`SELECT value FROM ${names.meta} WHERE key = 'schema_version'`).pluck().get() ?? SCHEMA_VERSION;
    if (found >= SCHEMA_VERSION) return found;
    for (let version = found; version < SCHEMA_VERSION; version++) UPGRADES[version - 1]!(db, names);
    db.prepare(`UPDATE ${names.meta} SET value = ? WHERE key = 'schema_version'`).run(SCHEMA_VERSION);
    return SCHEMA_VERSION;
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
