// Express 5: GET /api/me answering { userId } for a signed-in user, POST /login signing in.
import express from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { ADDED_BUDGET } from '../../lib/budgets.mjs';
import { USER_ID, PEER_SECRET, THIRTY_DAYS, computeFor, dist, libraryFor, peerRedis } from './common.mjs';

/**
 * Diagnosis only (`--controls`): an async middleware that attaches a user and does nothing else;
 * the same with a route guard in front of the handler, as `requireSession()` stands; and bare
 * behind a middleware that computes for the budget's time (`computeFor`).
 */
export const CONTROLS = ['control:hook', 'control:guard', 'control:budget'];

export const VARIANTS = ['bare', 'lib:memory', 'lib:redis', 'lib:ioredis', 'lib:postgres', 'lib:sqlite', 'express-session:memory', 'express-session:redis'];

export async function createApp(variant, name) {
  const app = express();
  app.disable('x-powered-by');
  if (variant === 'bare') {
    app.get('/api/me', (req, res) => res.json({ userId: USER_ID }));
    app.post('/login', (req, res) => res.json({ ok: true }));
    return { app, close: async () => {} };
  }
  if (variant === 'control:budget') {
    const compute = computeFor(ADDED_BUDGET.express);
    app.use(function attach(req, res, next) {
      compute();
      req.sessions = { userId: USER_ID };
      next();
    });
    app.get('/api/me', (req, res) => res.json({ userId: req.sessions.userId }));
    return { app, close: async () => {} };
  }
  if (variant === 'control:hook' || variant === 'control:guard') {
    app.use(async function attach(req, res, next) {
      req.sessions = { userId: USER_ID };
      next();
    });
    const guard = (req, res, next) => (req.sessions.userId === undefined ? res.status(401).end() : next());
    app.get('/api/me', ...(variant === 'control:guard' ? [guard] : []), (req, res) => res.json({ userId: req.sessions.userId }));
    return { app, close: async () => {} };
  }
  if (variant.startsWith('lib:')) {
    const { sessionMiddleware, requireSession } = await dist('express');
    const library = await libraryFor(variant, name);
    app.use(sessionMiddleware(library.sessions));
    app.post('/login', async (req, res) => {
      await req.sessions.signIn({ userId: USER_ID });
      res.json({ ok: true });
    });
    app.get('/api/me', requireSession(), (req, res) => res.json({ userId: req.sessions.userId }));
    return { app, close: library.close };
  }
  // express-session, configured as this library behaves: no save without a change, no
  // session for anonymous requests, an absolute 30-day cookie, plain HTTP.
  const redis = variant === 'express-session:redis' ? await peerRedis(name) : undefined;
  app.use(
    session({
      secret: PEER_SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, secure: false, sameSite: 'lax', maxAge: THIRTY_DAYS },
      store: redis === undefined ? undefined : new RedisStore({ client: redis.client, prefix: redis.prefix }),
    }),
  );
  app.post('/login', (req, res, next) => {
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.userId = USER_ID;
      res.json({ ok: true });
    });
  });
  app.get('/api/me', (req, res) => {
    if (req.session.userId === undefined) return res.status(401).json({ error: 'unauthenticated' });
    res.json({ userId: req.session.userId });
  });
  return { app, close: async () => redis?.close() };
}

export async function listen({ app }) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) }));
  });
}
