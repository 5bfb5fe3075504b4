import { isSessionError, SessionError } from '../../src/errors.js';

// Server errors that mean "the database cannot serve us right now" rather than "this statement
// is wrong": nothing was decided (InnoDB rolled the statement or transaction back).
const UNAVAILABLE_ERRNOS = new Set([
  1040, // too many connections
  1053, // server shutdown in progress
  1205, // lock wait timeout exceeded
  1213, // deadlock: the transaction was rolled back, safe to retry
  1290, // --read-only / --super-read-only: a replica after failover
  1792, // read-only transaction
  1927, // MariaDB: connection killed
  1969, // MariaDB: max_statement_time exceeded
  3024, // MySQL: max_execution_time exceeded
  2002, // cannot connect (socket)
  2003, // cannot connect (TCP)
  2006, // server has gone away
  2013, // lost connection during query
]);
// Node's socket errors and mysql2's own codes for a connection that dropped or never opened.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOENT',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'POOL_CLOSED',
]);
// A table or column the statements name is missing: tables older than this store, or none.
const MISSING_OBJECT = new Set([1146, 1054]);

/** The server's error number (`errno`) of a mysql2 error, if it carries one. */
export function errnoOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('errno' in error)) return undefined;
  return typeof error.errno === 'number' ? error.errno : undefined;
}

/** Whether a failure means the server is unreachable, busy or timed out (nothing was decided). */
export function isUnavailable(error: unknown): boolean {
  const errno = errnoOf(error);
  if (errno !== undefined && UNAVAILABLE_ERRNOS.has(errno)) return true;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  // mysql2 marks an error that broke the connection as fatal; Node reports a failed connect
  // to a host with several addresses as an AggregateError.
  if (typeof error === 'object' && error !== null && 'fatal' in error && error.fatal === true) return true;
  return error instanceof AggregateError && error.errors.some(isUnavailable);
}

/** Whether an error left the connection unfit for the next operation (it is closed, not reused). */
export function breaksConnection(error: unknown): boolean {
  return !isSessionError(error) && (errnoOf(error) === undefined || isUnavailable(error));
}

/**
 * Turns anything a statement threw into a {@link session-revocation!SessionError}: `STORE_UNAVAILABLE` for
 * outages, lock timeouts and deadlocks, `STORE_ERROR` (driver error as `cause`) for the rest.
 * SessionErrors pass.
 */
export function toSessionError(error: unknown, operation: string, connecting = false): SessionError {
  if (isSessionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (connecting || isUnavailable(error)) {
    return new SessionError('STORE_UNAVAILABLE', `MySQL session store unavailable during ${operation}: ${detail}`, { cause: error });
  }
  const hint = MISSING_OBJECT.has(errnoOf(error) ?? 0) ? ' (the tables are missing or older than this version of the store: run store.migrate(), or `session-revocation migrate`)' : '';
  return new SessionError('STORE_ERROR', `MySQL session store failed during ${operation}: ${detail}${hint}`, { cause: error });
}

/** The error of an operation that ran past its deadline. */
export function timedOut(operation: string, timeoutMs: number): SessionError {
  return new SessionError('STORE_UNAVAILABLE', `MySQL session store did not answer ${operation} within ${timeoutMs} ms.`);
}

/** `INVALID_INPUT` for a duplicate key (errno 1062) in an insert that must be new, else the error. */
export function duplicateAs(what: string): (error: unknown) => never {
  return (error) => {
    if (errnoOf(error) === 1062) throw new SessionError('INVALID_INPUT', `${what} with this id already exists.`, { cause: error });
    throw error;
  };
}
