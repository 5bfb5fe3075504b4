import { isSafePath, safeNextPath } from './next-path.js';
import { ownOrigin } from './proxy.js';
import { originForm, type HttpRequest } from './request.js';

/** What a login redirect needs from the options. */
export interface LoginRedirectOptions {
  readonly loginPath: string;
  readonly trustProxy: boolean;
}

/** The page a refused navigation came from: a `GET`'s own target, or a form `POST`'s same-origin `Referer` path. */
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

/** `loginPath?next=<the page>&reason=<why>`, relative, built from the request target or `Referer` path, never from `Host`. */
export function loginLocation(options: LoginRedirectOptions, request: HttpRequest, reason?: 'session_revoked' | 'session_expired' | 'session_reused'): string {
  return withReturn(options.loginPath, nextPath(request, options.trustProxy), reason);
}

/** `reauthPath` with `next=` the page, built like {@link loginLocation}. */
export function reauthLocation(options: { readonly reauthPath: string; readonly trustProxy: boolean }, request: HttpRequest): string {
  return withReturn(options.reauthPath, nextPath(request, options.trustProxy), undefined);
}

function withReturn(path: string, next: string | undefined, reason: string | undefined): string {
  const query: string[] = [];
  // Slashes may stay in a query (RFC 3986 section 3.4): `?next=/account` reads well.
  if (next !== undefined) query.push(`next=${encodeURIComponent(next).replaceAll('%2F', '/')}`);
  if (reason !== undefined) query.push(`reason=${reason}`);
  if (query.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query.join('&')}`;
}
