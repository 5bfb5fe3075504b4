import { ownOrigin } from './proxy.js';
import type { HttpRequest } from './request.js';

/** RFC 9110 safe methods: they change nothing, so a link from another site may use them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Whether a state-changing request must be refused as cross-site (`403`). `Sec-Fetch-Site` decides when present (only `same-origin` and `none` pass,
 * so a sibling subdomain cannot post either); else `Origin`, refused when `null` or not the request's own origin. A request with neither (curl, a
 * server) passes: it cannot carry a victim's cookie by accident.
 *
 * @param trustProxy - Whether `X-Forwarded-Proto` and `X-Forwarded-Host` are trusted.
 */
export function isCrossSiteRequest(request: HttpRequest, trustProxy: boolean | number = false): boolean {
  const site = fetchSite(request);
  if (site !== undefined && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = request.header('origin');
  if (origin === undefined) return false;
  // "null" and junk do not parse; without a usable Host the own origin is undefined, which nothing equals.
  try {
    return new URL(origin).origin !== ownOrigin(request, trustProxy);
  } catch {
    return true;
  }
}

/** The request's `Sec-Fetch-Site` as a browser sends it (`same-origin`, `same-site`, `cross-site`, `none`), lower-cased, or `undefined`. */
export const fetchSite = (request: HttpRequest): string | undefined => request.header('sec-fetch-site')?.trim().toLowerCase();

/** Whether a state-changing request (not GET, HEAD, OPTIONS or TRACE) comes from another site: the one rule the guard and the routes apply. */
export function isCrossSiteWrite(request: HttpRequest, trustProxy: boolean | number = false): boolean {
  return !SAFE_METHODS.has(request.method) && isCrossSiteRequest(request, trustProxy);
}
