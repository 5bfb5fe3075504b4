import { SessionError } from '../errors.js';
import { isCrossSiteRequest } from './cross-site.js';
import { crossSiteResponse } from './failure.js';
import { stateOf, type RequestSessions } from './request-sessions.js';
import type { HttpResponse } from './response.js';

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
  const state = stateOf(sessions);
  if (state === undefined) throw new SessionError('INVALID_CONFIGURATION', 'requireSameOrigin() needs the session middleware mounted before it.');
  const { request, options } = state;
  if (SAFE_METHODS.has(request.method) || !isCrossSiteRequest(request, options.trustProxy)) return undefined;
  return crossSiteResponse();
}
