import { anyError, codeOf, SOCKET_CODES, type SessionError } from '../../src/errors.js';
import { MISSING_TABLES, storeError } from '../sql/errors.js';

// SQLSTATE classes meaning "cannot serve us now" (08, 53, 57, 40, 58), lock_not_available, a read-only standby.
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '40', '58']);
const UNAVAILABLE_CODES = new Set(['55P03', '25006']);
// Node's socket errors, and postgres.js's own for a connection that closed or never opened.
const GONE_CODES = new Set([...SOCKET_CODES, ...'EHOSTDOWN ENETDOWN CONNECTION_CLOSED CONNECTION_ENDED CONNECTION_DESTROYED CONNECT_TIMEOUT'.split(' ')]);

/** The SQLSTATE of a driver error, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  const code = codeOf(error);
  // EPIPE and ENOENT have a SQLSTATE's shape: a socket's codes are never one.
  return code !== undefined && !GONE_CODES.has(code) && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether a statement failed because its connection was lost: the server ended it (`08`, `57P0`), or the socket closed. */
export const isGone = (error: unknown): boolean => GONE_CODES.has(codeOf(error) ?? '') || /^(08|57P0)/.test(sqlState(error) ?? '');

/** Whether PostgreSQL cannot serve us now (an outage, a lock not available, a read-only standby). */
export const isUnavailable = (error: unknown): boolean =>
  anyError(error, (e) => {
    const state = sqlState(e);
    return state === undefined ? GONE_CODES.has(codeOf(e) ?? '') : UNAVAILABLE_CODES.has(state) || UNAVAILABLE_CLASSES.has(state.slice(0, 2));
  });

/** Anything a query threw as a SessionError: `STORE_UNAVAILABLE` for outages, timeouts and `unavailable` (not connected, connection lost), else `STORE_ERROR`. */
export function toSessionError(error: unknown, operation: string, unavailable = false): SessionError {
  const state = sqlState(error) ?? '';
  // A named statement the server does not know (or has): a transaction pooler in between.
  const hint = ['26000', '42P05'].includes(state)
    ? ' (the pool seems to go through a pooler in transaction mode, such as PgBouncer: pass preparedStatements: false to postgresStore)'
    : ['42883', '42P01', '42703'].includes(state)
      ? MISSING_TABLES
      : '';
  return storeError('PostgreSQL', operation, error, unavailable || isUnavailable(error), hint);
}
