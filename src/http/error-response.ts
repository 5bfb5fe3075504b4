import { isSessionError } from '../errors.js';
import { report } from './authenticate.js';
import { unavailableResponse } from './failure.js';
import { DEFAULT_RETRY_AFTER } from './options.js';
import type { HttpRequest } from './request.js';
import { stateOf, type RequestSessions } from './request-sessions.js';
import type { HttpResponse } from './response.js';

/**
 * The library's answer to an error thrown while an app handled a request (its login route
 * calling `sessions.signIn()` while the store is down, for example): for a `SessionError`
 * `STORE_UNAVAILABLE`, the same `503` the middleware gives — `Retry-After`, no `Set-Cookie`
 * of its own (cookies written by actions that did complete stay: they record what happened),
 * `{ "error": "unavailable" }` JSON for an API call, a short plain-text page for a page
 * navigation, never cached — so an outage is never a `500` and never signs anyone out.
 * Anything else is not the library's to answer: `undefined`, and the app's own error handling
 * goes on (other `SessionError` codes are programming errors).
 *
 * With the request's `sessions` object, the middleware's `retryAfter` is used and the error is
 * handed to its `onError` (unless the middleware already did, when it could not read the
 * store for this request).
 *
 * @param error - What the handler threw or rejected with.
 * @param request - The request.
 * @param sessions - The request's `sessions` object, when the session middleware ran.
 * @returns The `503` to send, or `undefined` for an error that is not a store outage.
 *
 * @example
 * ```ts
 * import { errorResponse, fromNodeRequest, writeHeaders } from 'session-revocation/http';
 *
 * try {
 *   await handle(req, res);
 * } catch (error) {
 *   const response = errorResponse(error, fromNodeRequest(req), requestSessions);
 *   if (response === undefined) throw error;
 *   writeHeaders(response, target);
 *   res.writeHead(response.status).end(response.body);
 * }
 * ```
 */
export function errorResponse(error: unknown, request: HttpRequest, sessions?: RequestSessions): HttpResponse | undefined {
  if (!isSessionError(error) || error.code !== 'STORE_UNAVAILABLE') return undefined;
  const state = stateOf(sessions);
  if (state === undefined) return unavailableResponse(request, DEFAULT_RETRY_AFTER);
  const { auth, options } = state;
  const reported = auth.status === 'unavailable' && (error === auth.error || error.cause === auth.error);
  if (!reported) report(options.onError, error);
  return unavailableResponse(request, options.retryAfter);
}
