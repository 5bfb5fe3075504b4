/**
 * The framework-neutral HTTP layer every wrapper translates to: reading the token, writing the
 * cookie, answering refused requests, the cross-site check and the JSON session routes.
 *
 * @example
 * ```ts
 * import { safeNextPath } from 'session-revocation/http';
 *
 * // In a login handler, after checking the password:
 * await req.sessions.signIn({ userId: user.id });
 * res.redirect(303, safeNextPath(req.query.next, '/'));
 * ```
 *
 * @module session-revocation/http
 */
export { createSessionHttp } from './session-http.js';
export type { SessionHttp } from './session-http.js';
export { errorResponse, requireFreshResponse, requireSameOriginResponse, requireSessionResponse } from './guards.js';
export { freshMaxAge } from './freshness.js';
export type { RequireFreshOptions } from './freshness.js';
export { createSessionRoutes } from './routes.js';
export type { SessionRoutes } from './routes.js';
export type { BrowserSessionView } from './browser-view.js';
export type { RequestSessions, SignInInput } from './request-sessions.js';
export type { LiveEventsOptions, SessionHttpOptions, SessionRoutesOptions } from './options.js';
export type { GlobalTokenRevocationIssuer, GlobalTokenRevocationOptions, GlobalTokenRevocationSubject } from '../security-events/universal-logout/api.js';
export type { LiveEndReason } from './live-events.js';
export { streamToNode, streamToWeb } from './streams.js';
export type { NodeStreamTarget } from './streams.js';
export { fromFetchRequest, fromNodeRequest } from './request.js';
export type { FetchRequestInfo, HttpRequest } from './request.js';
export { asError, writeHeaders } from './response.js';
export { restoredCookies } from './cookies.js';
export type { HttpResponse, HttpStream, ResponseTarget, StreamSink, UnauthenticatedError } from './response.js';
export { safeNextPath } from './next-path.js';
export { isPageNavigation } from './classify.js';
export { isCrossSiteRequest } from './cross-site.js';
