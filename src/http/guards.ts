import { isSessionError, SessionError } from '../errors.js';
import { isCrossSiteWrite } from './cross-site.js';
import { DEFAULT_RETRY_AFTER } from './options.js';
import { report } from './report.js';
import type { HttpRequest } from './request.js';
import { clearingCookie, stateOf, type RequestSessions } from './request-sessions.js';
import type { RequestState } from './request-state.js';
import { isFreshRequest } from './freshness.js';
import { crossSiteResponse, reauthenticationResponse, unauthenticatedError, unauthenticatedResponse, unavailableResponse, type HttpResponse } from './response.js';

/** The state behind a request's `sessions` object; throws `INVALID_CONFIGURATION` naming `caller` without the middleware. */
export function requestStateOf(sessions: RequestSessions | undefined, caller: string): RequestState {
  const state = stateOf(sessions);
  // Worded so that any caller agrees with its verb: "requireSession()" and "The session routes" alike.
  if (state === undefined) throw new SessionError('INVALID_CONFIGURATION', `${caller} must be mounted after the session middleware.`);
  return state;
}

/**
 * What `requireSession` answers: `undefined` for a signed-in request; else a relative `303` to the login page for a page
 * navigation ({@link isPageNavigation}) or `401` JSON ({@link UnauthenticatedError}); `503` when the store is unavailable.
 * @param sessions - The request's `sessions` object from {@link SessionHttp.attach}.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without the session middleware before it.
 */
export function requireSessionResponse(sessions: RequestSessions | undefined): HttpResponse | undefined {
  const state = requestStateOf(sessions, 'requireSession()');
  const { auth, request, options } = state;
  if (auth.status === 'authenticated') return undefined;
  if (auth.status === 'unavailable') return unavailableResponse(request, options.retryAfter);
  return unauthenticatedResponse(request, options, unauthenticatedError(auth.reason), state.credential.from === 'cookie' ? clearingCookie(state) : undefined);
}

/**
 * What `requireFresh` answers: {@link requireSessionResponse}'s refusal, `undefined` for a session that proved who it is
 * within `maxAge`, else a `303` to `reauthPath` for a page navigation or `403` JSON `reauthentication_required`.
 * @param maxAge - From {@link freshMaxAge}; `undefined` for the manager's `freshAge`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without the session middleware before it.
 */
export function requireFreshResponse(sessions: RequestSessions | undefined, maxAge?: number): HttpResponse | undefined {
  // First, so a missing middleware is reported under this guard's name.
  const state = requestStateOf(sessions, 'requireFresh()');
  const denied = requireSessionResponse(sessions);
  if (denied !== undefined) return denied;
  return isFreshRequest(state, maxAge) ? undefined : reauthenticationResponse(state.request, state.options);
}

/**
 * What `requireSameOrigin` answers: `403` JSON `cross_site_request` for an unsafe method from another site
 * ({@link isCrossSiteRequest}), else `undefined`. Sign-in and sign-out forms need it most: they carry no session.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without the session middleware before it.
 */
export function requireSameOriginResponse(sessions: RequestSessions | undefined): HttpResponse | undefined {
  const { request, options } = requestStateOf(sessions, 'requireSameOrigin()');
  return isCrossSiteWrite(request, options.trustProxy) ? crossSiteResponse() : undefined;
}

// A manager closed while requests still arrive (a shutdown) is unavailable too, as the middleware answers it.
const UNAVAILABLE_CODES = new Set(['STORE_UNAVAILABLE', 'STORE_ERROR', 'CLOSED']);

/**
 * The answer to an error thrown while an app handled a request: for a `SessionError` `STORE_UNAVAILABLE`, `STORE_ERROR` or `CLOSED`, the
 * middleware's `503` with no `Set-Cookie` of its own, so an outage is never a `500` and signs nobody out; `undefined` for anything else.
 * With `sessions`, the middleware's `retryAfter` and `onError` are used.
 *
 * @param error - The value the app's handler threw, as thrown. Where a framework re-wraps it before its error handler sees it
 * (h3 v1 keeps only its `cause`: for a store's outage, the driver's error), catch it around the app's handlers instead.
 * A `SessionError` the app wrapped itself is the app's to answer.
 * @param sessions - The request's `sessions` object, when the session middleware ran.
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
  if (!isSessionError(error) || !UNAVAILABLE_CODES.has(error.code)) return undefined;
  const state = stateOf(sessions);
  if (state === undefined) return unavailableResponse(request, DEFAULT_RETRY_AFTER);
  const { auth, options } = state;
  const reported = auth.status === 'unavailable' && (error === auth.error || error.cause === auth.error);
  if (!reported) report(options.onError, error);
  return unavailableResponse(request, options.retryAfter);
}
