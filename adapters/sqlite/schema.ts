import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import { SCHEMA_VERSION, sqliteDialect, tableStatements, type Names } from '../sql/index.js';
import { primaryCode } from './driver.js';

/** Quoted table and index names for a prefix already checked to be a plain identifier. */
export const tableNames = (prefix: string): Names => ({ table: (name) => `"${prefix}${name}"`, index: (name) => `"${prefix}${name}_idx"` });

/** Creates the tables when missing in one write transaction (processes starting together take turns); refuses a newer schema. */
export function ensureSchema(db: BetterSqlite3.Database, prefix: string): void {
  const meta = `"${prefix}meta"`;
  const apply = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${meta} (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`);
    for (const statement of tableStatements(sqliteDialect, tableNames(prefix))) db.exec(statement);
    db.prepare(`INSERT OR IGNORE INTO ${meta} (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
    return db.prepare<[], number>(`SELECT value FROM ${meta} WHERE key = 'schema_version'`).pluck().get() ?? SCHEMA_VERSION;
  });
  const version = apply.immediate();
  if (version > SCHEMA_VERSION) {
    throw new SessionError('STORE_ERROR', `The SQLite session tables (prefix "${prefix}") use schema version ${version}, newer than this release reads (${SCHEMA_VERSION}): upgrade session-revocation.`);
  }
}

/** WAL (`synchronous` stays `FULL`: a sign-out answered survives a power loss) and `secure_delete` on a file the store opened; the switch to WAL is retried until `busyTimeout` (processes switching at once get `SQLITE_BUSY`). */
export async function configureOwnedDatabase(db: BetterSqlite3.Database, busyTimeout: number): Promise<void> {
  if (db.memory) return;
  db.pragma('secure_delete = ON');
  const deadline = Date.now() + busyTimeout;
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      // Said each time: better-sqlite3 builds SQLite to open a file already in WAL mode at NORMAL.
      db.pragma('synchronous = FULL');
      return;
    } catch (error) {
      if (primaryCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }
}
