import { isSafePath, safeNextPath } from './next-path.js';
import { ownOrigin } from './proxy.js';
import { originForm, type HttpRequest } from './request.js';

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
 * same-origin `Referer` path for a form `POST` (none without one). `reason=session_revoked`,
 * `reason=session_expired` or `reason=session_reused` (a rotated-out cookie came back after the
 * grace: the session was ended as copied) follows when the session presented was ended, so the login page can
 * say why ("You were signed out from another device"); a request with no session gets none.
 * The `Location` is built from the request target or `Referer` path only, never from `Host` or
 * `X-Forwarded-Host` (`Host` only serves to check that a `Referer` is on this origin).
 */
export function loginLocation(options: LoginRedirectOptions, request: HttpRequest, reason?: 'session_revoked' | 'session_expired' | 'session_reused'): string {
  return withReturn(options.loginPath, nextPath(request, options.trustProxy), reason);
}

/**
 * The re-authentication redirect target of `requireFresh`: `reauthPath` (`/login?reauth=1`)
 * with `next=` the page the request came from, built like {@link loginLocation}.
 */
export function reauthLocation(options: { readonly reauthPath: string; readonly trustProxy: boolean }, request: HttpRequest): string {
  return withReturn(options.reauthPath, nextPath(request, options.trustProxy), undefined);
}

function withReturn(path: string, next: string | undefined, reason: string | undefined): string {
  const query: string[] = [];
  // Slashes may stay as they are in a query (RFC 3986 section 3.4): `?next=/account` reads well.
  if (next !== undefined) query.push(`next=${encodeURIComponent(next).replaceAll('%2F', '/')}`);
  if (reason !== undefined) query.push(`reason=${reason}`);
  if (query.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query.join('&')}`;
}
