import { isSessionError, SessionError } from '../../src/errors.js';

// SQLSTATE classes and codes that mean "the database cannot serve us right now" rather than
// "this statement is wrong": the transaction did not happen, so a 503 and a retry are right.
const UNAVAILABLE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources: too many connections, disk full, out of memory
  '57', // operator intervention: 57014 statement timeout or cancel, 57P01 admin shutdown...
  '40', // transaction rollback: serialization failure, deadlock (rolled back, safe to retry)
  '58', // system error: I/O error outside PostgreSQL
]);
const UNAVAILABLE_CODES = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '25006', // read_only_sql_transaction: a standby after failover
]);
// Node's socket errors: the server is down, unreachable or dropped the connection.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOENT', // a Unix socket path that does not exist: the server is not running
  // postgres.js's own codes for a connection that closed, ended or never opened in time.
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
// A named statement the server does not know, or already has: the connection the client
// prepared it on is not the one answering, the mark of a transaction pooler.
const PREPARED_STATEMENT_MIXUP = new Set(['26000', '42P05']);
// A function, table or column the store's statements name is missing: migrate() has not run.
const UNDEFINED_OBJECT = new Set(['42883', '42P01', '42703']);

/**
 * The SQLSTATE the sign-in function raises when the session cap refuses a sign-in (a class of
 * our own, outside the standard ones). The raise rolls the whole statement back.
 */
export const SESSION_LIMIT_STATE = 'SRLIM';
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Where a failure happened, which decides what a code-less driver error means. */
export interface FailureContext {
  /** What the store was doing, for the message. */
  readonly operation: string;
  /** The pool could not hand out a connection (any reason: refused, auth, pool timeout). */
  readonly connecting?: boolean;
  /** The client reported a connection error or ended while the operation ran. */
  readonly connectionLost?: boolean;
}

/** The SQLSTATE of a driver error, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  const code = codeOf(error);
  return code !== undefined && SQLSTATE.test(code) ? code : undefined;
}

/** Whether a failure means the store is unreachable or timed out (nothing was decided). */
export function isUnavailable(error: unknown, context: Omit<FailureContext, 'operation'> = {}): boolean {
  if (context.connecting === true || context.connectionLost === true) return true;
  const state = sqlState(error);
  if (state !== undefined) return UNAVAILABLE_CODES.has(state) || UNAVAILABLE_CLASSES.has(state.slice(0, 2));
  const code = codeOf(error);
  if (code !== undefined && SOCKET_CODES.has(code)) return true;
  // Node reports a failed connect to a host with several addresses as an AggregateError.
  return error instanceof AggregateError && error.errors.some((inner) => isUnavailable(inner));
}

/**
 * Turns anything a query threw into a {@link session-revocation!SessionError}: `STORE_UNAVAILABLE` for outages and
 * timeouts, `STORE_ERROR` (with the driver error as `cause`) for the rest. SessionErrors pass.
 */
export function toSessionError(error: unknown, context: FailureContext): SessionError {
  if (isSessionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error, context)) {
    return new SessionError('STORE_UNAVAILABLE', `PostgreSQL session store unavailable during ${context.operation}: ${detail}`, { cause: error });
  }
  return new SessionError('STORE_ERROR', `PostgreSQL session store failed during ${context.operation}: ${detail}${hintFor(error)}`, { cause: error });
}

/** The error of an operation that ran past its deadline. */
export function timedOut(operation: string, timeoutMs: number): SessionError {
  return new SessionError('STORE_UNAVAILABLE', `PostgreSQL session store did not answer ${operation} within ${timeoutMs} ms.`);
}

/** What the user can do about a failure whose cause is the setup rather than the statement. */
function hintFor(error: unknown): string {
  const state = sqlState(error);
  if (state !== undefined && PREPARED_STATEMENT_MIXUP.has(state)) {
    return ' (the pool seems to go through a pooler in transaction mode, such as PgBouncer: pass preparedStatements: false to postgresStore)';
  }
  if (state !== undefined && UNDEFINED_OBJECT.has(state)) return ' (the tables are missing or incomplete: run store.migrate(), or `session-revocation migrate`)';
  return '';
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
