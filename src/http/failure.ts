import type { AccessTokenFailureReason } from '../access-tokens/index.js';
import type { ValidationFailureReason } from '../session.js';
import { isPageNavigation } from './classify.js';
import { isSafePath, safeNextPath } from './next-path.js';
import { ownOrigin } from './proxy.js';
import { originForm, type HttpRequest } from './request.js';
import { emptyResponse, jsonResponse, NO_STORE, type HttpResponse } from './response.js';

/** The `error` of a `401` body. */
export type UnauthenticatedError = 'unauthenticated' | 'session_expired' | 'session_revoked';

/** Maps why a credential was refused to the `error` a client sees. */
export function unauthenticatedError(reason: ValidationFailureReason | AccessTokenFailureReason): UnauthenticatedError {
  if (reason === 'expired' || reason === 'idle') return 'session_expired';
  if (reason === 'revoked') return 'session_revoked';
  return 'unauthenticated';
}

/** What a login redirect needs from the options. */
export interface LoginRedirectOptions {
  readonly loginPath: string;
  readonly trustProxy: boolean;
}

/**
 * The page a refused navigation came from, for `next`: a `GET` or `HEAD` was for the page
 * itself (its request target; one that is not a safe path gives `"/"`); a form `POST` came
 * from the page in `Referer`, used only when it is on this same origin and a safe path.
 * `undefined` when there is none to go back to.
 */
function nextPath(request: HttpRequest, trustProxy: boolean): string | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return safeNextPath(originForm(request.url), '/');
  const referer = request.header('referer');
  if (referer === undefined) return undefined;
  let page: URL;
  try {
    page = new URL(referer);
  } catch {
    return undefined;
  }
  const path = page.pathname + page.search;
  return page.origin === ownOrigin(request, trustProxy) && isSafePath(path) ? path : undefined;
}

/**
 * The login redirect target: `loginPath?next=<the page the request came from>`, relative, so
 * the browser stays on the host it used. `next` is the request's own path for a `GET`, the
 * same-origin `Referer` path for a form `POST` (none without one). `reason=session_revoked` or
 * `reason=session_expired` follows when the session presented was ended, so the login page can
 * say why ("You were signed out from another device"); a request with no session gets none.
 * The `Location` is built from the request target or `Referer` path only, never from `Host` or
 * `X-Forwarded-Host` (`Host` only serves to check that a `Referer` is on this origin).
 */
export function loginLocation(options: LoginRedirectOptions, request: HttpRequest, error: UnauthenticatedError = 'unauthenticated'): string {
  const { loginPath } = options;
  const next = nextPath(request, options.trustProxy);
  const query: string[] = [];
  // Slashes may stay as they are in a query (RFC 3986 section 3.4): `?next=/account` reads well.
  if (next !== undefined) query.push(`next=${encodeURIComponent(next).replaceAll('%2F', '/')}`);
  if (error !== 'unauthenticated') query.push(`reason=${error}`);
  if (query.length === 0) return loginPath;
  return `${loginPath}${loginPath.includes('?') ? '&' : '?'}${query.join('&')}`;
}

/**
 * The answer to a request that needs a session and has none: a relative `303` to the login
 * page for a page navigation (a form `POST` included; its `reason` tells a revoked or expired
 * session from none at all), otherwise `401` JSON. `clearCookie`
 * (the `Set-Cookie` that deletes a dead cookie) is sent with either. Never cached.
 */
export function unauthenticatedResponse(
  request: HttpRequest,
  options: LoginRedirectOptions,
  error: UnauthenticatedError,
  clearCookie: string | undefined,
): HttpResponse {
  const setCookies = clearCookie === undefined ? [] : [clearCookie];
  if (isPageNavigation(request)) return emptyResponse(303, { headers: { location: loginLocation(options, request, error) }, setCookies });
  return jsonResponse(401, { error }, { setCookies });
}

/**
 * The answer when the store could not be read or written: `503` with `Retry-After`, and no
 * `Set-Cookie` at all, so an outage signs nobody out and lets nobody in.
 */
export function unavailableResponse(request: HttpRequest, retryAfter: number): HttpResponse {
  const headers = { 'retry-after': String(retryAfter) };
  if (isPageNavigation(request)) {
    return {
      status: 503,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_STORE },
      setCookies: [],
      body: 'Service temporarily unavailable. Please try again in a moment.',
    };
  }
  return jsonResponse(503, { error: 'unavailable' }, { headers });
}

/** `403` for a state-changing request from another site. */
export function crossSiteResponse(): HttpResponse {
  return jsonResponse(403, { error: 'cross_site_request' });
}

/** `404` for a session that does not exist or is not the caller's. */
export function notFoundResponse(): HttpResponse {
  return jsonResponse(404, { error: 'not_found' });
}

/** `405` with `Allow`, for a method a session route does not take. */
export function methodNotAllowedResponse(allow: string): HttpResponse {
  return jsonResponse(405, { error: 'method_not_allowed' }, { headers: { allow } });
}
