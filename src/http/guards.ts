// The guards: given a request's `sessions` object, each decides whether the request goes on
// (`undefined`) or what it is answered. A wrapper turns each into its framework's middleware
// or hook and sends the answer as it is.
import { isSessionError, SessionError } from '../errors.js';
import { isCrossSiteRequest } from './cross-site.js';
import { DEFAULT_RETRY_AFTER } from './options.js';
import { report } from './report.js';
import type { HttpRequest } from './request.js';
import { stateOf, type RequestSessions } from './request-sessions.js';
import type { RequestState } from './request-state.js';
import { serializeClearedCookie } from './cookies.js';
import { isFreshRequest } from './freshness.js';
import { crossSiteResponse, reauthenticationResponse, unauthenticatedError, unauthenticatedResponse, unavailableResponse, type HttpResponse } from './response.js';

/**
 * The state behind a request's `sessions` object, for the guards and the session routes.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` naming `caller` when the
 * session middleware did not run before it.
 */
export function requestStateOf(sessions: RequestSessions | undefined, caller: string): RequestState {
  const state = stateOf(sessions);
  if (state === undefined) throw new SessionError('INVALID_CONFIGURATION', `${caller} needs the session middleware mounted before it.`);
  return state;
}

/**
 * What `requireSession` answers: `undefined` when the request is signed in (go on), else the
 * response to send — a relative `303` to the login page for a page navigation (a page load or
 * an HTML form `POST`: {@link isPageNavigation}), `401` JSON
 * (`unauthenticated`, `session_expired`, `session_revoked`, `session_reused`) otherwise, with a dead cookie
 * cleared; `503` with `Retry-After` and the cookie kept when the store is unavailable.
 *
 * @param sessions - The request's `sessions` object from {@link SessionHttp.attach}.
 * @returns The refusal, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the session middleware did not
 * run before (no `sessions` object on the request).
 */
export function requireSessionResponse(sessions: RequestSessions | undefined): HttpResponse | undefined {
  const { auth, request, options, cookie, credential } = requestStateOf(sessions, 'requireSession()');
  if (auth.status === 'authenticated') return undefined;
  if (auth.status === 'unavailable') return unavailableResponse(request, options.retryAfter);
  const clear = credential.from === 'cookie' ? serializeClearedCookie(cookie.name, cookie.secure, options.cookie) : undefined;
  return unauthenticatedResponse(request, options, unauthenticatedError(auth.reason), clear);
}

/**
 * What `requireFresh` answers: what {@link requireSessionResponse} answers to a request that
 * is not signed in; `undefined` for a session that proved who it is within `maxAge` (go on);
 * otherwise a relative `303` to the `reauthPath` option for a page navigation, `403` JSON
 * `{ "error": "reauthentication_required" }` for an API call. Put it in front of sensitive
 * actions: changing the email or password, ending other sessions, deleting the account.
 *
 * @param sessions - The request's `sessions` object from {@link SessionHttp.attach}.
 * @param maxAge - From {@link freshMaxAge}; `undefined` for the manager's `freshAge`.
 * @returns The refusal, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the session middleware did not
 * run before (no `sessions` object on the request).
 */
export function requireFreshResponse(sessions: RequestSessions | undefined, maxAge?: number): HttpResponse | undefined {
  // First, so a missing middleware is reported under this guard's own name.
  const state = requestStateOf(sessions, 'requireFresh()');
  const denied = requireSessionResponse(sessions);
  if (denied !== undefined) return denied;
  return isFreshRequest(state, maxAge) ? undefined : reauthenticationResponse(state.request, state.options);
}

/** RFC 9110 safe methods: they change nothing, so a link from another site may use them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * What `requireSameOrigin` answers: `undefined` for a request that may go on, else `403`
 * JSON `{ "error": "cross_site_request" }` (the session routes' answer), never cached.
 * Requests with a safe method (`GET`, `HEAD`, `OPTIONS`, `TRACE`) always go on; the others are
 * refused when {@link isCrossSiteRequest} says they come from another site, with the
 * middleware's `trustProxy`. Meant for an app's own state-changing routes, sign-in and
 * sign-out forms first: they carry no session, so `SameSite` cannot protect them.
 *
 * @param sessions - The request's `sessions` object from {@link SessionHttp.attach}.
 * @returns The refusal, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the session middleware did not
 * run before (no `sessions` object on the request).
 */
export function requireSameOriginResponse(sessions: RequestSessions | undefined): HttpResponse | undefined {
  const { request, options } = requestStateOf(sessions, 'requireSameOrigin()');
  if (SAFE_METHODS.has(request.method) || !isCrossSiteRequest(request, options.trustProxy)) return undefined;
  return crossSiteResponse();
}

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
