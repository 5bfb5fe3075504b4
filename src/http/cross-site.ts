import { ownOrigin } from './proxy.js';
import type { HttpRequest } from './request.js';

/**
 * Whether a state-changing request must be refused as cross-site (`403`). The browser's
 * `Sec-Fetch-Site` decides when present: anything but `same-origin` or `none` (typed in the
 * address bar) is refused — `cross-site`, and `same-site` too, so a sibling subdomain cannot
 * post either. Without it (older browsers), `Origin` decides: refused when it is `null`
 * (sandboxed frames, some redirects) or differs from the request's own origin (scheme +
 * `Host`, or the `X-Forwarded-*` values with `trustProxy`). A request with neither header
 * (curl, a server) passes: it cannot carry a victim's cookie by accident.
 *
 * `Sec-Fetch-Site` comes first because a browser sends `Origin: null` for its own site's form
 * posts from a page with `Referrer-Policy: no-referrer` (a common hardening header); it cannot
 * be set by a page's script.
 *
 * @param request - The request.
 * @param trustProxy - Whether `X-Forwarded-Proto` and `X-Forwarded-Host` are trusted.
 * @returns `true` when the request must be refused.
 */
export function isCrossSiteRequest(request: HttpRequest, trustProxy = false): boolean {
  const site = request.header('sec-fetch-site')?.trim().toLowerCase();
  if (site !== undefined && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = request.header('origin');
  if (origin === undefined) return false;
  // "null", an empty value and junk do not parse, and are refused; without a usable Host the
  // own origin is undefined, which no parsed origin equals.
  try {
    return new URL(origin).origin !== ownOrigin(request, trustProxy);
  } catch {
    return true;
  }
}
