import { requireSameOrigin, requireSession, sessionHandler, sessionRoutes } from '../../adapters/fetch/index.js';
import type { RequestSessions } from '../../adapters/fetch/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { serveFetch } from './fetch-bridge.js';
import { listen } from './listen.js';

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });

describeFrameworkConformance(
  'fetch',
  ({ sessions, middlewareOptions, routesPrefix }) => {
    const withSessions = sessionHandler(sessions, middlewareOptions);
    const routes = sessionRoutes(sessions, { prefix: routesPrefix });
    async function app(request: Request, sessions: RequestSessions): Promise<Response> {
      const { pathname } = new URL(request.url);
      const route = `${request.method} ${pathname}`;
      if (route === 'POST /login') {
        return (
          requireSameOrigin(request) ??
          Response.json({ sessionId: (await sessions.signIn({ userId: String(new URL(request.url).searchParams.get('user')) })).session.id })
        );
      }
      if (route === 'POST /account') return requireSameOrigin(request) ?? requireSession(request) ?? Response.json({ userId: sessions.userId });
      if (route === 'GET /api/me' || route === 'HEAD /api/me') {
        return requireSession(request) ?? Response.json({ userId: sessions.userId, sessionId: sessions.current?.id ?? sessions.accessToken?.sid });
      }
      if (route === 'GET /dashboard' || route === 'HEAD /dashboard') return requireSession(request) ?? html('<h1>Dashboard</h1>');
      if (route === 'GET /api/public') return Response.json({ userId: sessions.userId, status: sessions.status });
      return (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 });
    }
    return listen(serveFetch(withSessions(app, (_request, connection) => connection)));
  },
  { runner: vitestRunner },
);
