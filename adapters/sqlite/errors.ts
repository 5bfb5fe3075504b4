import { isSessionError, SessionError } from '../../src/errors.js';

// "Try again later": the lock stayed taken past the busy timeout, the disk failed or filled up.
const UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN']);

/** The primary SQLite result code of a better-sqlite3 error (`SQLITE_BUSY_SNAPSHOT` -> `SQLITE_BUSY`). */
export function primaryCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  return /^SQLITE_[A-Z]+/.exec(error.code)?.[0];
}

/** Maps anything an operation threw to the SessionError the contract promises. */
export function toSessionError(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  const code = primaryCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && UNAVAILABLE.has(code)) {
    return new SessionError('STORE_UNAVAILABLE', `The SQLite session store is unavailable (${code}): ${detail}`, { cause: error });
  }
  return new SessionError('STORE_ERROR', `The SQLite session store failed: ${detail}`, { cause: error });
}
