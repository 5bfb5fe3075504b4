import { accessSync, constants, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { codeOf, SessionError } from '../../src/errors.js';
import { storeError } from '../sql/errors.js';

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);
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

/** Opens the database file; one that cannot be opened, or only read, is a configuration problem, not an outage. */
export function openDatabase(filename: string, busyTimeout: number): BetterSqlite3.Database {
  const Database = loadDriver(
    'sqliteStore({ filename }) needs better-sqlite3: install better-sqlite3 (npm install better-sqlite3), or pass { database }.',
    'better-sqlite3 is installed but could not be loaded (its native module may need a rebuild: npm rebuild better-sqlite3).',
  );
  checkWritable(filename);
  try {
    return new Database(filename, { timeout: busyTimeout });
  } catch (error) {
    throw new SessionError('INVALID_CONFIGURATION', `sqliteStore(): cannot open the SQLite database "${filename}".`, { cause: error });
  }
}

// SQLite opens a file it may not write read-only without a word, and fails every write later: refused at startup instead.
function checkWritable(filename: string): void {
  if (filename === ':memory:' || filename === '') return;
  const file = realPath(resolve(filename));
  const fileDenied = file === undefined ? undefined : writeDenied(file);
  if (fileDenied !== undefined) throw notWritable(`the SQLite database "${filename}" is not writable by this process: SQLite would open it read-only.`, fileDenied);
  for (const journal of file === undefined ? [] : [`${file}-wal`, `${file}-shm`]) {
    const journalDenied = writeDenied(journal);
    if (journalDenied !== undefined) throw notWritable(`the journal file "${journal}" of the SQLite database "${filename}" is not writable by this process.`, journalDenied);
  }
  // The -wal and -shm files (and a new database file) are created next to the file a symlink names.
  const directory = dirname(file ?? resolve(filename));
  const directoryDenied = writeDenied(directory);
  if (directoryDenied === undefined) return;
  const what = file === undefined ? 'the database file' : 'its -wal and -shm journal files';
  throw notWritable(`the directory "${directory}" of the SQLite database "${filename}" is not writable by this process, so SQLite cannot create ${what} there.`, directoryDenied);
}

const notWritable = (message: string, cause: unknown): SessionError => new SessionError('INVALID_CONFIGURATION', `sqliteStore(): ${message}`, { cause });

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

// The access error when the process may not write `path`; other failures (a missing directory) are left to the open.
function writeDenied(path: string): unknown {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return NOT_WRITABLE.has(codeOf(error) ?? '') ? error : undefined;
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
