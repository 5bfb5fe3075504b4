import Database from 'better-sqlite3';

/**
 * The demo's own tables (accounts, tenant settings, reset links, the outbox). They sit in the
 * same SQLite file as the session store's tables, which use their own prefix.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS demo_tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  global_logout INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS demo_users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES demo_tenants (id),
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demo_reset_links (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES demo_users (id),
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS demo_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  to_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  link TEXT NOT NULL
);
-- The Activity lists read the session store's own account activity now; the demo's copy of
-- the audit events, kept by earlier versions, goes.
DROP TABLE IF EXISTS demo_activity;
`;

/** Opens the demo database (a file, or `":memory:"`) with the app's tables in place. */
export function openDatabase(filename: string): Database.Database {
  const db = new Database(filename);
  if (filename !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}
