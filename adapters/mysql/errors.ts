import { anyError, codeOf, isSessionError, SOCKET_CODES, type SessionError } from '../../src/errors.js';
import { MISSING_TABLES, storeError } from '../sql/errors.js';

// Refused for now, rolled back, the connection fine: lock wait, deadlock, KILL QUERY, read-only, statement time limits.
const REFUSED = new Set([1205, 1213, 1317, 1290, 1792, 1969, 3024]);
// The connection was lost: the server shut down, killed or timed it out, it went away, or the socket closed (not mysql2's own query timeout).
const LOST = new Set([1053, 1927, 2006, 2013, 4031]);
const LOST_CODES = new Set([...SOCKET_CODES, 'PROTOCOL_CONNECTION_LOST']);
// The server or the connection is gone: lost, or none to be had (too many connections, cannot connect).
const GONE = new Set([...LOST, 1040, 2002, 2003]);
// Node's socket errors and mysql2's own codes for a connection that dropped or never opened.
const GONE_CODES = new Set([...LOST_CODES, 'PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_CLOSED']);
// A table, column or procedure the statements name is missing: tables older than this store, or none.
const MISSING_OBJECT = new Set([1146, 1054, 1305]);

/** The server's error number (`errno`) of a mysql2 error, if it carries one. */
export const errnoOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'errno' in error && typeof error.errno === 'number' ? error.errno : undefined;

/** Whether a statement failed because its connection was lost, not by what it ran. */
export const isGone = (error: unknown): boolean => LOST.has(errnoOf(error) ?? 0) || LOST_CODES.has(codeOf(error) ?? '');

/** Whether a transaction that failed this way was rolled back whole by a lock conflict, and may run again at once. */
export const isLockConflict = (error: unknown): boolean => errnoOf(error) === 1213 || errnoOf(error) === 1205;

// mysql2 marks an error that broke the connection as fatal.
const isFatal = (error: unknown): boolean => typeof error === 'object' && error !== null && 'fatal' in error && error.fatal === true;

/** Whether an error left the connection unfit for the next operation (it is closed, not reused). */
export function breaksConnection(error: unknown): boolean {
  if (isSessionError(error)) return false;
  const errno = errnoOf(error);
  return errno === undefined || GONE.has(errno) || isFatal(error);
}

const isUnavailable = (error: unknown): boolean =>
  anyError(error, (e) => REFUSED.has(errnoOf(e) ?? 0) || GONE.has(errnoOf(e) ?? 0) || GONE_CODES.has(codeOf(e) ?? '') || isFatal(e));

/** Anything a statement threw as a SessionError: `STORE_UNAVAILABLE` for outages, lock timeouts and deadlocks, else `STORE_ERROR`. */
export function toSessionError(error: unknown, operation: string, connecting = false): SessionError {
  return storeError('MySQL', operation, error, connecting || isUnavailable(error), MISSING_OBJECT.has(errnoOf(error) ?? 0) ? MISSING_TABLES : '');
}
