import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { codeOf, SessionError } from '../../src/errors.js';
import { storeError } from '../sql/errors.js';

// "Try again later": the lock stayed taken past the busy timeout, the disk failed or filled up.
const UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN']);

/** The primary SQLite result code of a better-sqlite3 error (`SQLITE_BUSY_SNAPSHOT` -> `SQLITE_BUSY`). */
export const primaryCode = (error: unknown): string | undefined => /^SQLITE_[A-Z]+/.exec(codeOf(error) ?? '')?.[0];

/** Anything an operation threw as the SessionError the contract promises. */
export const toSessionError = (error: unknown, operation: string): SessionError => storeError('SQLite', operation, error, UNAVAILABLE.has(primaryCode(error) ?? ''));

/** Loads better-sqlite3 only when a file is opened (an app passing its own connection need not install it); `missing`/`broken` say why not. */
export function loadDriver(missing: string, broken: string): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new SessionError('INVALID_CONFIGURATION', codeOf(error) === 'MODULE_NOT_FOUND' ? missing : broken, { cause: error });
  }
}

/** Opens the database file; one that cannot be opened is a configuration problem, not an outage. */
export function openDatabase(filename: string, busyTimeout: number): BetterSqlite3.Database {
  const Database = loadDriver(
    'sqliteStore({ filename }) needs better-sqlite3: install better-sqlite3 (npm install better-sqlite3), or pass { database }.',
    'better-sqlite3 is installed but could not be loaded (its native module may need a rebuild: npm rebuild better-sqlite3).',
  );
  try {
    return new Database(filename, { timeout: busyTimeout });
  } catch (error) {
    throw new SessionError('INVALID_CONFIGURATION', `sqliteStore(): cannot open the SQLite database "${filename}".`, { cause: error });
  }
}

/** After an erase committed: copies the WAL into the file (where `secure_delete` zeroed the rows) and truncates it; a WAL kept busy keeps the bytes, so the erase fails. */
export function checkpointAfterErase(db: BetterSqlite3.Database): void {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number | bigint }>;
  // A number, or a bigint on a connection that reads safe integers.
  if (result !== undefined && Number(result.busy) !== 0) {
    throw new SessionError('STORE_UNAVAILABLE', "The user's SQLite rows are deleted, but another connection kept the WAL busy, so their bytes may still be in it: call eraseUser again.");
  }
}
