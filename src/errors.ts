import type { SessionView } from './session.js';

/**
 * Stable codes carried by every {@link SessionError}.
 *
 * - `STORE_UNAVAILABLE`: the store could not be reached or timed out. Nobody was let in and
 *   the caller cannot know whether a change it asked for was made (an answer lost after the
 *   write): every operation is safe to call again. The HTTP layer answers `503` and keeps the cookie.
 * - `INVALID_INPUT`: an argument has the wrong shape (empty user id, unknown kind, ...).
 * - `INVALID_CONFIGURATION`: options that contradict themselves, found at startup.
 * - `UNAUTHENTICATED`: an action that needs a signed-in request was called without one.
 * - `STORE_ERROR`: the store failed in a way that is not an outage (a bug, a schema problem,
 *   or an answer of the wrong shape, which is never taken for a session).
 * - `CLOSED`: the manager or store was closed.
 * - `SESSION_LIMIT`: a sign-in refused because the user already has `maxSessions` live
 *   sessions of that kind and tenant (`onMaxSessions: "refuse"`); {@link SessionError.sessions} lists them
 *   so the app can ask which one to end.
 * - `KEYS_UNAVAILABLE`: a transmitter's metadata or keys could not be read (unreachable, an
 *   error answer, or within the back-off after a failed fetch), so a Security Event Token could
 *   not be judged. Nothing was decided or ended; the HTTP layer answers `503`.
 */
export type SessionErrorCode =
  | 'STORE_UNAVAILABLE'
  | 'INVALID_INPUT'
  | 'INVALID_CONFIGURATION'
  | 'UNAUTHENTICATED'
  | 'STORE_ERROR'
  | 'CLOSED'
  | 'SESSION_LIMIT'
  | 'KEYS_UNAVAILABLE';

const marker = Symbol.for('session-revocation.SessionError');

/**
 * The one error type this library throws. Narrow on {@link SessionError.code}, never on the
 * message.
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
  /**
   * With `SESSION_LIMIT` from the manager: the user's live sessions of the refused kind and tenant, most
   * recently used first, as the "Login management" list shows them.
   */
  readonly sessions?: readonly SessionView[];

  /**
   * @param code - The stable code callers narrow on.
   * @param message - A sentence for humans; it may change between versions.
   * @param options - `cause` keeps the underlying error (a driver error, for example);
   * `sessions` the live sessions behind a `SESSION_LIMIT`.
   */
  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown; sessions?: readonly SessionView[] }) {
    super(message, options);
    this.name = 'SessionError';
    this.code = code;
    if (options?.sessions !== undefined) this.sessions = options.sessions;
    Object.defineProperty(this, marker, { value: true });
  }
}

/**
 * `true` when `value` is a {@link SessionError}, even one created by another copy of this
 * package (a bundled and an installed copy, for example), where `instanceof` would fail.
 *
 * @param value - Anything caught.
 * @returns Whether it is a SessionError.
 */
export function isSessionError(value: unknown): value is SessionError {
  return value instanceof SessionError || (typeof value === 'object' && value !== null && marker in value);
}

/** Builds the INVALID_INPUT error used by argument checks. */
export function invalidInput(message: string): SessionError {
  return new SessionError('INVALID_INPUT', message);
}

/**
 * What a store's failure becomes once it leaves the store: a {@link SessionError} passes
 * through unchanged (a store's `STORE_UNAVAILABLE` stays an outage), anything else becomes
 * `STORE_ERROR` with the original as `cause`. Store adapters may use it to wrap driver errors
 * they do not classify themselves.
 *
 * @param error - What the store threw or rejected with.
 * @returns The error to throw.
 */
export function storeFailure(error: unknown): SessionError {
  if (isSessionError(error)) return error;
  return new SessionError('STORE_ERROR', `The session store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
