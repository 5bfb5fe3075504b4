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

/** The error of an operation that ran past its deadline. */
export const timedOut = (database: string, operation: string, timeoutMs: number): SessionError =>
  new SessionError('STORE_UNAVAILABLE', `${database} session store did not answer ${operation} within ${timeoutMs} ms.`);

/** The `code` property of a driver's error, if it has a string one. */
export const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** Node's socket errors: the server cannot be reached, or the connection dropped. */
export const SOCKET_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT'];

/** Whether `test` holds for an error or, for a failed connect to a host of several addresses (an AggregateError), for one of its errors. */
export const anyError = (error: unknown, test: (error: unknown) => boolean): boolean =>
  test(error) || (error instanceof AggregateError && error.errors.some((inner: unknown) => anyError(inner, test)));
