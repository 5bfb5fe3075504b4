import type { SessionView } from './session.js';

/**
 * Stable codes carried by every {@link SessionError}.
 *
 * - `STORE_UNAVAILABLE`: the store could not be reached or timed out. Nobody was let in; a
 *   change asked for may or may not be made, and every operation is safe to call again.
 * - `INVALID_INPUT`: an argument has the wrong shape (empty user id, unknown kind, ...).
 * - `INVALID_CONFIGURATION`: options that contradict themselves, found at startup; or an app wired wrong, found on a request (a guard
 *   without the session middleware, a session cookie set after the response was sent: a call the app did not `await`).
 * - `UNAUTHENTICATED`: an action that needs a signed-in request was called without one, or a sign-in was overtaken by a sign-out
 *   of the user's sessions (a password change elsewhere) while under way: check the credentials again.
 * - `STORE_ERROR`: the store failed in a way that is not an outage (a bug, a schema problem, a malformed answer).
 * - `CLOSED`: the manager or store was closed.
 * - `SESSION_LIMIT`: a sign-in refused at `maxSessions` (`onMaxSessions: "refuse"`); {@link SessionError.sessions} lists them.
 * - `KEYS_UNAVAILABLE`: a transmitter's keys could not be read (unreachable, an error answer, or
 *   within the back-off after a failed fetch); nothing was decided. The HTTP layer answers `503`.
 */
export type SessionErrorCode = 'STORE_UNAVAILABLE' | 'INVALID_INPUT' | 'INVALID_CONFIGURATION' | 'UNAUTHENTICATED' | 'STORE_ERROR' | 'CLOSED' | 'SESSION_LIMIT' | 'KEYS_UNAVAILABLE';

const marker = Symbol.for('session-revocation.SessionError');

/**
 * The one error type this library throws. Narrow on {@link SessionError.code}, never on the message.
 *
 * @example
 * ```ts
 * try {
 *   await sessions.revokeAll(userId);
 * } catch (error) {
 *   if (isSessionError(error) && error.code === 'STORE_UNAVAILABLE') retryLater();
 *   else throw error;
 * }
 * ```
 */
export class SessionError extends Error {
  /** Stable machine-readable code. */
  readonly code: SessionErrorCode;
  /** With `SESSION_LIMIT`: the user's live sessions of the refused kind and tenant, most recently used first. */
  readonly sessions?: readonly SessionView[];

  /**
   * @param message - A sentence for humans; it may change between versions.
   * @param options - `cause` keeps the underlying error; `sessions` those behind a `SESSION_LIMIT`.
   */
  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown; sessions?: readonly SessionView[] }) {
    super(message, options);
    this.name = 'SessionError';
    this.code = code;
    if (options?.sessions !== undefined) this.sessions = options.sessions;
    Object.defineProperty(this, marker, { value: true });
  }
}

/** `true` when `value` is a {@link SessionError}, even from another loaded copy of this package, where `instanceof` fails. */
export function isSessionError(value: unknown): value is SessionError {
  return value instanceof SessionError || (typeof value === 'object' && value !== null && marker in value);
}

/** Builds the INVALID_INPUT error used by argument checks. */
export function invalidInput(message: string): SessionError {
  return new SessionError('INVALID_INPUT', message);
}

/** Node's socket errors: the server cannot be reached, or the connection dropped. */
export const SOCKET_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT'];

/** The `code` property of a driver's error, if it has a string one. */
export const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** Whether `test` holds for an error or, for a failed connect to a host of several addresses (an AggregateError), for one of its errors. */
export const anyError = (error: unknown, test: (error: unknown) => boolean): boolean =>
  test(error) || (error instanceof AggregateError && error.errors.some((inner: unknown) => anyError(inner, test)));

// A null-prototype object or a throwing toString() has no text: a store failure must not become a TypeError here.
function textOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

const isUnreachable = (error: unknown): boolean => SOCKET_CODES.includes(codeOf(error) ?? '') || (error instanceof Error && error.name === 'TimeoutError');

/**
 * What a store's failure becomes, with the original as `cause`: a {@link SessionError} passes through unchanged; one of
 * Node's socket errors (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`...), a failed connect's `AggregateError` of them or a
 * `TimeoutError` becomes `STORE_UNAVAILABLE`; anything else `STORE_ERROR`. A driver's own outage errors are its store's to map.
 */
export function storeFailure(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  const detail = textOf(error);
  if (anyError(error, isUnreachable)) return new SessionError('STORE_UNAVAILABLE', `The session store is unavailable: ${detail}`, { cause: error });
  return new SessionError('STORE_ERROR', `The session store failed: ${detail}`, { cause: error });
}
