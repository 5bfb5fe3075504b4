import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';

type Driver = typeof BetterSqlite3;

// Loaded only when the store opens a file: an app passing its own connection need not install it.
function loadDriver(): Driver {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as Driver;
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND';
    throw new SessionError(
      'INVALID_CONFIGURATION',
      missing
        ? 'sqliteStore({ filename }) needs better-sqlite3: install better-sqlite3 (npm install better-sqlite3), or pass { database }.'
        : 'better-sqlite3 is installed but could not be loaded (its native module may need a rebuild: npm rebuild better-sqlite3).',
      { cause: error },
    );
  }
}

/** Opens the database file; one that cannot be opened is a configuration problem, not an outage. */
export function openDatabase(filename: string, busyTimeout: number): BetterSqlite3.Database {
  const Database = loadDriver();
  try {
    return new Database(filename, { timeout: busyTimeout });
  } catch (error) {
    throw new SessionError('INVALID_CONFIGURATION', `sqliteStore(): cannot open the SQLite database "${filename}".`, { cause: error });
  }
}
