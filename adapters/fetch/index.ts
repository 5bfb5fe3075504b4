/**
 * Wrapper for runtimes whose handlers take a Web `Request` and return a `Response` (Next.js,
 * Bun, Deno); guards and routes answer a `Response`, or `undefined` to go on.
 *
 * @example
 * ```ts
 * import { requireSameOrigin, requireSession, sessionHandler, sessionRoutes, type RequestSessions } from 'session-revocation/fetch';
 *
 * const withSessions = sessionHandler(sessions, { loginPath: '/login' }); // sessions = createSessionManager()
 * const routes = sessionRoutes(sessions); // GET /sessions, DELETE /sessions/:id, POST /sessions/sign-out...
 *
 * async function app(request: Request, sessions: RequestSessions): Promise<Response> {
 *   const { pathname } = new URL(request.url);
 *   if (pathname === '/login' && request.method === 'POST') {
 *     const refused = requireSameOrigin(request); // a sign-in forged by another site: 403
 *     if (refused) return refused;
 *     await sessions.signIn({ userId: await checkPassword(request) }); // store down: 503, not 500
 *     return new Response(null, { status: 303, headers: { location: '/' } });
 *   }
 *   return (await routes(request)) ?? requireSession(request) ?? new Response(`Hello ${sessions.userId}`);
 * }
 *
 * // A Request has no socket: the runtime tells the client's address.
 * Bun.serve({ fetch: withSessions(app, (request, server) => ({ remoteAddress: server.requestIP(request)?.address })) });
 * Deno.serve(withSessions(app, (request, info) => ({ remoteAddress: info.remoteAddr.hostname })));
 * ```
 *
 * @module session-revocation/fetch
 */
export { sessionHandler } from './handler.js';
export type { ConnectionInfo, FetchHandler, HandlerWithSessions, WithSessions } from './handler.js';
export { requireFresh, requireSameOrigin, requireSession, sessionRoutes } from './guards.js';
export type { SessionRoutesHandler } from './guards.js';
export { fromFetchRequest } from '../../src/http/index.js';
export type { FetchRequestInfo, RequestSessions, RequireFreshOptions, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';
