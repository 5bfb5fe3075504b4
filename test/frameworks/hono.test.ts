import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { Hono as OldestHono } from 'hono-oldest';
import { cors } from 'hono/cors';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/hono/index.js';
import { describeFrameworkConformance, type FrameworkApp } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, SessionError } from '../../src/index.js';

// The app's own answer to a sign-in, one object for every visitor: the wrapper must never write into it.
const SIGNED_IN = new Response(null, { status: 204 });

function start(app: Hono): Promise<FrameworkApp> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}

// Also on the oldest Hono the peer range allows (typed as the installed one: what differs is the runtime).
for (const [name, HonoApp] of [['hono', Hono], ['hono 4.7.7', OldestHono as unknown as typeof Hono]] as const) {
  describeFrameworkConformance(
    name,
    ({ sessions, middlewareOptions, routesOptions }) => {
      const app = new HonoApp();
      // The default error handler logs a thrown store outage before the middleware answers 503.
      app.onError((_error, c) => c.text('Internal Server Error', 500));
      app.use(sessionMiddleware(sessions, { ...middlewareOptions, getConnInfo }));
      // The app's forms and JSON parsed before the routes: the back-channel logout and Universal
      // Logout routes read what Hono cached.
      app.use(async (c, next) => {
        const type = c.req.header('content-type') ?? '';
        if (type.startsWith('application/x-www-form-urlencoded')) await c.req.parseBody();
        if (type.startsWith('application/json')) await c.req.json().catch(() => undefined);
        await next();
      });
      app.use(sessionRoutes(sessions, routesOptions));
      app.post('/login', requireSameOrigin(), async (c) => {
        const { session } = await c.var.sessions.signIn({ userId: String(c.req.query('user')), persistent: c.req.query('remember') !== '0' });
        return c.req.query('shared') === '1' ? SIGNED_IN : c.json({ sessionId: session.id });
      });
      app.post('/reauthenticate', requireSession(), async (c) => {
        const session = await c.var.sessions.reauthenticated();
        return c.json({ fresh: c.var.sessions.isFresh(), authenticatedAt: session?.authenticatedAt });
      });
      app.get('/api/sensitive', requireFresh(), (c) => c.json({ userId: c.var.sessions.userId }));
      app.get('/api/sensitive-hour', requireFresh({ maxAge: 3_600_000 }), (c) => c.json({ userId: c.var.sessions.userId }));
      app.get('/security', requireFresh(), (c) => c.html('<h1>Security</h1>'));
      app.post('/sign-out-others', requireSameOrigin(), requireFresh(), async (c) => c.json({ revoked: (await c.var.sessions.signOutOthers()).revokedIds.length }));
      app.post('/account', requireSameOrigin(), requireSession(), (c) => c.json({ userId: c.var.sessions.userId }));
      app.get('/api/me', requireSession(), (c) =>
        c.json({ userId: c.var.sessions.userId, sessionId: c.var.sessions.current?.id ?? c.var.sessions.accessToken?.sid }),
      );
      app.get('/dashboard', requireSession(), (c) => c.html('<h1>Dashboard</h1>'));
      app.get('/api/public', (c) => c.json({ userId: c.var.sessions.userId, status: c.var.sessions.status }));
      app.get('/api/theme', () => Response.json({ theme: 'dark' }, { headers: { 'set-cookie': 'theme=dark; Path=/' } }));
      app.get('/api/fail', () => {
        throw new Error('downstream failure');
      });
      return start(app);
    },
    { runner: vitestRunner },
  );
}

describe('hono: the 503 for a store failure a handler throws', () => {
  it("replaces the app.onError page: its Cache-Control and Content-Type do not stay on the 503, a CORS middleware's headers do", async () => {
    const app = new Hono();
    app.use(cors({ origin: 'https://app.example', credentials: true }));
    app.use(sessionMiddleware(createSessionManager()));
    app.get('/', () => {
      throw new SessionError('STORE_UNAVAILABLE', 'down');
    });
    app.onError((_error, c) => c.text('oops', 500, { 'cache-control': 'public, max-age=60' }));
    const served = await start(app);
    onTestFinished(() => served.close());
    const response = await fetch(served.url, { redirect: 'manual', headers: { origin: 'https://app.example' } });
    expect([response.status, response.headers.get('cache-control'), response.headers.get('content-type')]).toEqual([503, 'no-store', 'application/json; charset=utf-8']);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('hono: a handler that throws on the request that rotates the cookie', () => {
  it("the 500 carries the new cookie whatever was thrown: an Error, another realm's, or a value that is not one", async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const rotation = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: rotation } });
    const app = new Hono();
    app.use(sessionMiddleware(sessions));
    const thrown: Record<string, () => unknown> = { error: () => new Error('x'), realm: () => new (runInNewContext('Error') as ErrorConstructor)('x'), text: () => 'x' };
    app.get('/:kind', (c) => {
      throw thrown[c.req.param('kind')]!();
    });
    app.onError((_error, c) => c.text('failed', 500));
    const served = await start(app);
    onTestFinished(() => served.close());
    const answers: unknown[] = [];
    for (const kind of Object.keys(thrown)) {
      const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
      clock.now += rotation.rotateAfter;
      const response = await fetch(`${served.url}/${kind}`, { headers: { cookie: `session=${token}` } });
      answers.push([kind, response.status, response.headers.getSetCookie().length]);
    }
    expect(answers).toEqual([
      ['error', 500, 1],
      ['realm', 500, 1],
      ['text', 500, 1],
    ]);
  });
});
