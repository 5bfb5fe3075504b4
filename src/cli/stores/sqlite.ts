import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_TABLE_PREFIX } from '../../../adapters/sqlite/options.js';
import { loadDriver } from '../../../adapters/sqlite/driver.js';
import { sqliteStore } from '../../../adapters/sqlite/store.js';
import { text, type FlagValues } from '../command.js';
import { CliError } from '../failure.js';
import { storeOptions, type OpenedStore } from './client.js';

/** An SQLite file through better-sqlite3; without `create`, a file that does not exist is refused. */
export async function openSqlite(filename: string, label: string, values: FlagValues, options: { readonly create: boolean }): Promise<OpenedStore> {
  const Database = loadDriver('the SQLite store needs better-sqlite3: npm install better-sqlite3', 'better-sqlite3 is installed but could not be loaded (npm rebuild better-sqlite3)');
  if (!options.create && filename !== ':memory:' && !existsSync(filename)) throw new CliError(`no SQLite database at ${label}: run session-revocation migrate first, or check the path`);
  const tablePrefix = text(values, 'table-prefix') ?? DEFAULT_TABLE_PREFIX;
  // The store would create a mistyped prefix's tables on first use, and the command would find nothing to do.
  if (!options.create && filename !== ':memory:' && !tablesExist(Database, filename, tablePrefix)) throw new CliError(`no session tables (prefix "${tablePrefix}") in ${label}: run session-revocation migrate first, or check --table-prefix`);
  const store = await storeOptions(() => sqliteStore({ filename, tablePrefix }));
  return {
    store,
    async migrate() {
      const existed = tablesExist(Database, filename, tablePrefix);
      // The store creates its tables on first use: a read is the smallest.
      await store.readUser('session-revocation-cli');
      return existed
        ? `The SQLite session tables (prefix "${tablePrefix}") in ${label} were already there; they are up to date.`
        : `Created the SQLite session tables (prefix "${tablePrefix}") in ${label}.`;
    },
    // The store opened the file and closes it itself.
    close: async () => {},
  };
}

// A read-only look before the store writes anything, so `migrate` can say what it did.
function tablesExist(Database: typeof BetterSqlite3, filename: string, tablePrefix: string): boolean {
  if (filename === ':memory:' || !existsSync(filename)) return false;
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`${tablePrefix}sessions`) !== undefined;
  } finally {
    db.close();
  }
}
