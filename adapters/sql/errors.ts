import { isSessionError, SessionError } from '../../src/errors.js';

/** The hint on an error naming a table or column the database lacks. */
export const MISSING_TABLES = ' (the tables are missing or incomplete: run store.migrate(), or `session-revocation migrate`)';

/** A driver's error as the contract's: `STORE_UNAVAILABLE` when `unavailable`, else `STORE_ERROR` with `hint`; SessionErrors pass. */
export function storeError(database: string, operation: string, error: unknown, unavailable: boolean, hint = ''): SessionError {
  if (isSessionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (unavailable) return new SessionError('STORE_UNAVAILABLE', `${database} session store unavailable during ${operation}: ${detail}`, { cause: error });
  return new SessionError('STORE_ERROR', `${database} session store failed during ${operation}: ${detail}${hint}`, { cause: error });
}
