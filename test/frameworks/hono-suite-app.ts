// The framework suite's app on Hono, the same on Node and on Bun: only the Hono build and the runtime's getConnInfo differ.
import type { Hono } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/hono/index.js';
import type { FrameworkAppContext } from '../../src/testing/index.js';

// The app's own answer to a sign-in, one object for every visitor: the wrapper must never write into it.
const SIGNED_IN = new Response(null, { status: 204 });

/** The suite's routes on a new `HonoApp`; `parseFirst` parses forms and JSON before the session routes, which then read what Hono cached. */
export function honoSuiteApp(HonoApp: typeof Hono, { sessions, middlewareOptions, routesOptions }: FrameworkAppContext, getConnInfo: GetConnInfo, parseFirst = false): Hono {
  const app = new HonoApp();
  // The default error handler logs a thrown store outage before the middleware answers 503.
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  app.use(sessionMiddleware(sessions, { ...middlewareOptions, getConnInfo }));
  if (parseFirst) {
    app.use(async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded')) await c.req.parseBody();
      if (type.startsWith('application/json')) await c.req.json().catch(() => undefined);
      await next();
    });
  }
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
  app.get('/api/me', requireSession(), (c) => c.json({ userId: c.var.sessions.userId, sessionId: c.var.sessions.current?.id ?? c.var.sessions.accessToken?.sid }));
  app.get('/dashboard', requireSession(), (c) => c.html('<h1>Dashboard</h1>'));
  app.get('/api/public', (c) => c.json({ userId: c.var.sessions.userId, status: c.var.sessions.status }));
  app.get('/api/theme', () => Response.json({ theme: 'dark' }, { headers: { 'set-cookie': 'theme=dark; Path=/' } }));
  app.get('/api/fail', () => {
    throw new Error('downstream failure');
  });
  return app;
}
