import { createServer } from 'node:http';
import express from 'express';
import { requireFresh, requireSameOrigin, requireSession, sessionErrorHandler, sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { listen } from './listen.js';

// The app's own constant cookie, one array for every response: the wrapper must never write into it.
const CONSENT = ['consent=1; Path=/'];

describeFrameworkConformance(
  'express',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const app = express();
    // Before the session middleware: res.setHeader replaces every cookie set before it.
    app.use((_req, res, next) => {
      res.setHeader('Set-Cookie', CONSENT);
      next();
    });
    app.use(sessionMiddleware(sessions, middlewareOptions));
    // Form and JSON parsers in front of the routes, as apps have: the back-channel logout and
    // Universal Logout routes read req.body.
    app.use(express.urlencoded());
    app.use(express.json());
    app.use(sessionRoutes(sessions, routesOptions));
    app.post('/login', requireSameOrigin(), async (req, res) => {
      const { session } = await req.sessions.signIn({ userId: String(req.query['user']), persistent: req.query['remember'] !== '0' });
      res.json({ sessionId: session.id });
    });
    app.post('/reauthenticate', requireSession(), async (req, res) => {
      const session = await req.sessions.reauthenticated();
      res.json({ fresh: req.sessions.isFresh(), authenticatedAt: session?.authenticatedAt });
    });
    app.get('/api/sensitive', requireFresh(), (req, res) => {
      res.json({ userId: req.sessions.userId });
    });
    app.get('/api/sensitive-hour', requireFresh({ maxAge: 3_600_000 }), (req, res) => {
      res.json({ userId: req.sessions.userId });
    });
    app.get('/security', requireFresh(), (_req, res) => {
      res.type('html').send('<h1>Security</h1>');
    });
    app.post('/sign-out-others', requireSameOrigin(), requireFresh(), async (req, res) => {
      res.json({ revoked: (await req.sessions.signOutOthers()).revokedIds.length });
    });
    app.post('/account', requireSameOrigin(), requireSession(), (req, res) => {
      res.json({ userId: req.sessions.userId });
    });
    app.get('/api/me', requireSession(), (req, res) => {
      res.json({ userId: req.sessions.userId, sessionId: req.sessions.current?.id ?? req.sessions.accessToken?.sid });
    });
    app.get('/dashboard', requireSession(), (_req, res) => {
      res.type('html').send('<h1>Dashboard</h1>');
    });
    app.get('/api/public', (req, res) => {
      res.json({ userId: req.sessions.userId, status: req.sessions.status });
    });
    app.get('/api/theme', (_req, res) => {
      res.cookie('theme', 'dark').json({ theme: 'dark' });
    });
    app.get('/api/fail', () => {
      throw new Error('downstream failure');
    });
    app.use(sessionErrorHandler());
    return listen(createServer(app));
  },
  { runner: vitestRunner },
);
