// The framework suite's app on the Fetch wrapper, the same on Node and on Bun: only how the runtime names the client's address differs.
import { requireFresh, requireSameOrigin, requireSession, sessionHandler, sessionRoutes } from '../../adapters/fetch/index.js';
import type { ConnectionInfo, RequestSessions } from '../../adapters/fetch/index.js';
import type { FrameworkAppContext } from '../../src/testing/index.js';

// The app's own answer to a sign-in, one object for every visitor: the wrapper must never write into it.
const SIGNED_IN = new Response(null, { status: 204 });

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });

/** The suite's routes under `withSessions`; `connectionInfo` tells the wrapper the runtime's client address. */
export function fetchSuiteApp<Args extends unknown[]>(
  { sessions, middlewareOptions, routesOptions }: FrameworkAppContext,
  connectionInfo: ConnectionInfo<Args>,
): (request: Request, ...args: Args) => Promise<Response> {
  const withSessions = sessionHandler(sessions, middlewareOptions);
  const routes = sessionRoutes(sessions, routesOptions);
  async function app(request: Request, sessions: RequestSessions, ..._runtime: Args): Promise<Response> {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    const query = url.searchParams;
    if (route === 'POST /login') {
      const refused = requireSameOrigin(request);
      if (refused !== undefined) return refused;
      const { session } = await sessions.signIn({ userId: String(query.get('user')), persistent: query.get('remember') !== '0' });
      return query.get('shared') === '1' ? SIGNED_IN : Response.json({ sessionId: session.id });
    }
    if (route === 'POST /reauthenticate') {
      const denied = requireSession(request);
      if (denied !== undefined) return denied;
      const session = await sessions.reauthenticated();
      return Response.json({ fresh: sessions.isFresh(), authenticatedAt: session?.authenticatedAt });
    }
    if (route === 'GET /api/sensitive') return requireFresh(request) ?? Response.json({ userId: sessions.userId });
    if (route === 'GET /api/sensitive-hour') return requireFresh(request, { maxAge: 3_600_000 }) ?? Response.json({ userId: sessions.userId });
    if (route === 'GET /security') return requireFresh(request) ?? html('<h1>Security</h1>');
    if (route === 'POST /sign-out-others') {
      const refused = requireSameOrigin(request) ?? requireFresh(request);
      return refused ?? Response.json({ revoked: (await sessions.signOutOthers()).revokedIds.length });
    }
    if (route === 'POST /account') return requireSameOrigin(request) ?? requireSession(request) ?? Response.json({ userId: sessions.userId });
    if (route === 'GET /api/me' || route === 'HEAD /api/me') {
      return requireSession(request) ?? Response.json({ userId: sessions.userId, sessionId: sessions.current?.id ?? sessions.accessToken?.sid });
    }
    if (route === 'GET /dashboard' || route === 'HEAD /dashboard') return requireSession(request) ?? html('<h1>Dashboard</h1>');
    if (route === 'GET /api/public') return Response.json({ userId: sessions.userId, status: sessions.status });
    if (route === 'GET /api/theme') return Response.json({ theme: 'dark' }, { headers: { 'set-cookie': 'theme=dark; Path=/' } });
    // A failure the handler answers itself, as docs/rotation.md advises: a runtime's own 500 carries no cookie.
    if (route === 'GET /api/fail') return new Response('Internal Server Error', { status: 500 });
    return (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 });
  }
  return withSessions(app, connectionInfo);
}
