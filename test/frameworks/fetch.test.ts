import { requireFresh, requireSameOrigin, requireSession, sessionHandler, sessionRoutes } from '../../adapters/fetch/index.js';
import type { RequestSessions } from '../../adapters/fetch/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { describe, expect, it } from 'vitest';
import { vitestRunner } from '../runner.js';
import { serveFetch } from './fetch-bridge.js';
import { listen } from './listen.js';

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });

describeFrameworkConformance(
  'fetch',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const withSessions = sessionHandler(sessions, middlewareOptions);
    const routes = sessionRoutes(sessions, routesOptions);
    async function app(request: Request, sessions: RequestSessions): Promise<Response> {
      const { pathname } = new URL(request.url);
      const route = `${request.method} ${pathname}`;
      const query = new URL(request.url).searchParams;
      if (route === 'POST /login') {
        return (
          requireSameOrigin(request) ??
          Response.json({ sessionId: (await sessions.signIn({ userId: String(query.get('user')), persistent: query.get('remember') !== '0' })).session.id })
        );
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
      if (route === 'POST /account') return requireSameOrigin(request) ?? requireSession(request) ?? Response.json({ userId: sessions.userId });
      if (route === 'GET /api/me' || route === 'HEAD /api/me') {
        return requireSession(request) ?? Response.json({ userId: sessions.userId, sessionId: sessions.current?.id ?? sessions.accessToken?.sid });
      }
      if (route === 'GET /dashboard' || route === 'HEAD /dashboard') return requireSession(request) ?? html('<h1>Dashboard</h1>');
      if (route === 'GET /api/public') return Response.json({ userId: sessions.userId, status: sessions.status });
      if (route === 'GET /api/fail') throw new Error('downstream failure');
      return (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 });
    }
    return listen(serveFetch(withSessions(app, (_request, connection) => connection)));
  },
  { runner: vitestRunner },
);

describe('fetch: an error the handler throws', () => {
  const ROTATION = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
  const failure = new Error('downstream failure');

  function app() {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: ROTATION } });
    const reported: unknown[] = [];
    const handle = sessionHandler(sessions, { onError: (error) => void reported.push(error) })(async (request, requestSessions) => {
      if (new URL(request.url).pathname === '/boom') throw failure;
      return requireSession(request) ?? Response.json({ userId: requestSessions.userId });
    });
    const get = (path: string, token: string) => handle(new Request(`http://localhost${path}`, { headers: { cookie: `session=${token}` } }));
    return { clock, sessions, reported, get };
  }

  it('on the request that rotates the cookie is a 500 carrying the new cookie, the error going to onError: the user stays signed in', async () => {
    const { clock, sessions, reported, get } = app();
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
    clock.now += ROTATION.rotateAfter;
    const failed = await get('/boom', token);
    const [rotated] = failed.headers.getSetCookie();
    expect([failed.status, await failed.text(), failed.headers.get('cache-control'), reported]).toEqual([500, 'Internal Server Error', 'no-store', [failure]]);
    clock.now += ROTATION.rotationGrace + 1000;
    const later = await get('/me', rotated!.split(';')[0]!.slice('session='.length));
    expect([later.status, await later.json()]).toEqual([200, { userId: 'alice' }]);
  });

  it('with no cookie to send reaches the runtime, as it was thrown, and not onError', async () => {
    const { sessions, reported, get } = app();
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
    await expect(get('/boom', token)).rejects.toBe(failure);
    await expect(get('/boom', 'not-a-token')).rejects.toBe(failure);
    expect(reported).toEqual([]);
  });
});
