import { isSafePath, safeNextPath } from './next-path.js';
import { ownOrigin } from './proxy.js';
import { originForm, type HttpRequest } from './request.js';

/** What a login redirect needs from the options. */
export interface LoginRedirectOptions {
  readonly loginPath: string;
  readonly trustProxy: boolean | number;
}

/** The page a refused navigation came from: a `GET`'s own target, or a form `POST`'s same-origin `Referer` path. */
function nextPath(request: HttpRequest, trustProxy: boolean | number): string | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return safeNextPath(originForm(request.url), '/');
  const referer = request.header('referer');
  if (referer === undefined || !URL.canParse(referer)) return undefined;
  const page = new URL(referer);
  const path = page.pathname + page.search;
  return page.origin === ownOrigin(request, trustProxy) && isSafePath(path) ? path : undefined;
}

/** `path?next=<the page>&reason=<why>` (the login or re-authentication page), relative, built from the request target or `Referer` path, never from `Host`. */
export function returnLocation(path: string, request: HttpRequest, trustProxy: boolean | number, reason?: 'session_revoked' | 'session_expired' | 'session_reused'): string {
  const next = nextPath(request, trustProxy);
  const query: string[] = [];
  // Slashes may stay in a query (RFC 3986 section 3.4): `?next=/account` reads well.
  if (next !== undefined) query.push(`next=${encodeURIComponent(next).replaceAll('%2F', '/')}`);
  if (reason !== undefined) query.push(`reason=${reason}`);
  if (query.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query.join('&')}`;
}
