import { requireFresh, requireSameOrigin, requireSession, sessionHandler, sessionRoutes, type RequestSessions } from '../../adapters/fetch/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { runner, serveOnBun, type BunServer } from './runner.js';

// The app's own answer to a sign-in, one object for every visitor: the wrapper must never write into it.
const SIGNED_IN = new Response(null, { status: 204 });

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });

describeFrameworkConformance(
  'fetch on Bun',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const withSessions = sessionHandler(sessions, middlewareOptions);
    const routes = sessionRoutes(sessions, routesOptions);
    async function app(request: Request, sessions: RequestSessions): Promise<Response> {
      const url = new URL(request.url);
      const route = `${request.method} ${url.pathname}`;
      if (route === 'POST /login') {
        const input = { userId: String(url.searchParams.get('user')), persistent: url.searchParams.get('remember') !== '0' };
        const refused = requireSameOrigin(request);
        if (refused !== undefined) return refused;
        const { session } = await sessions.signIn(input);
        return url.searchParams.get('shared') === '1' ? SIGNED_IN : Response.json({ sessionId: session.id });
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
      if (route === 'GET /api/fail') return new Response('Internal Server Error', { status: 500 });
      return (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 });
    }
    return serveOnBun(withSessions(app, (request, server: BunServer) => ({ remoteAddress: server.requestIP(request)?.address })));
  },
  { runner },
);
