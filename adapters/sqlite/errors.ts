import { isSessionError, SessionError } from '../../src/errors.js';

// SQLite result codes (primary part, before any "_EXTENDED" suffix) that mean "try again
// later" rather than "something is wrong": the lock stayed taken past the busy timeout, or
// the disk failed or filled up. Nothing was written in either case (the transaction rolled
// back), so the HTTP layer can answer 503.
const UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN']);

/** The primary SQLite result code of a better-sqlite3 error (`SQLITE_BUSY_SNAPSHOT` -> `SQLITE_BUSY`). */
export function primaryCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  const match = /^SQLITE_[A-Z]+/.exec(error.code);
  return match?.[0];
}

/** Maps anything an operation threw to the SessionError the contract promises. */
export function toSessionError(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  const code = primaryCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && UNAVAILABLE.has(code)) {
    return new SessionError('STORE_UNAVAILABLE', `The SQLite session store is unavailable (${code}): ${detail}`, { cause: error });
  }
  if (error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new SessionError('INVALID_INPUT', `${duplicated(detail)} with this id already exists.`, { cause: error });
  }
  return new SessionError('STORE_ERROR', `The SQLite session store failed: ${detail}`, { cause: error });
}

// SQLite names the column, "UNIQUE constraint failed: <prefix>activity.id": the table's name
// ends with what it holds whatever the prefix.
function duplicated(detail: string): string {
  if (/activity\.id$/.test(detail)) return 'An activity entry';
  if (/links\.id$/.test(detail)) return 'A revocation link';
  return 'A session';
}
