import { Hono } from 'hono';
import { getConnInfo } from 'hono/bun';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/hono/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { runner, serveOnBun } from './runner.js';

// The app's own answer to a sign-in, one object for every visitor: the wrapper must never write into it.
const SIGNED_IN = new Response(null, { status: 204 });

describeFrameworkConformance(
  'hono on Bun',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const app = new Hono();
    app.onError((_error, c) => c.text('Internal Server Error', 500));
    app.use(sessionMiddleware(sessions, { ...middlewareOptions, getConnInfo }));
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
    return serveOnBun(app.fetch);
  },
  { runner },
);
