// Fastify 5: GET /api/me answering { userId } for a signed-in user, POST /login signing in.
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { ADDED_BUDGET } from '../../lib/budgets.mjs';
import { USER_ID, PEER_SECRET, THIRTY_DAYS, computeFor, dist, libraryFor } from './common.mjs';

/**
 * Diagnosis only (`--controls`): an async onRequest hook that attaches a user and does nothing
 * else; and a callback hook that computes for the budget's time (`computeFor`) and attaches a user.
 */
export const CONTROLS = ['control:hook', 'control:budget'];
export const VARIANTS = ['bare', 'lib:memory', '@fastify/session:memory'];

export async function createApp(variant, name) {
  const app = Fastify({ logger: false });
  if (variant === 'control:budget') {
    const compute = computeFor(ADDED_BUDGET.fastify);
    app.decorateRequest('sessions', null);
    app.addHook('onRequest', (request, reply, done) => {
      compute();
      request.sessions = { userId: USER_ID };
      done();
    });
    app.get('/api/me', async (request) => ({ userId: request.sessions.userId }));
    return { app, close: async () => {} };
  }
  if (variant === 'control:hook') {
    app.decorateRequest('sessions', null);
    app.addHook('onRequest', async (request) => {
      request.sessions = { userId: USER_ID };
    });
    app.get('/api/me', async (request) => ({ userId: request.sessions.userId }));
    return { app, close: async () => {} };
  }
  if (variant === 'bare') {
    app.get('/api/me', async () => ({ userId: USER_ID }));
    app.post('/login', async () => ({ ok: true }));
    return { app, close: async () => {} };
  }
  if (variant.startsWith('lib:')) {
    const { sessionPlugin } = await dist('fastify');
    const library = await libraryFor(variant, name);
    await app.register(sessionPlugin, { sessions: library.sessions });
    app.post('/login', async (request) => {
      await request.sessions.signIn({ userId: USER_ID });
      return { ok: true };
    });
    app.get('/api/me', { preHandler: app.requireSession }, async (request) => ({ userId: request.sessions.userId }));
    return { app, close: library.close };
  }
  // @fastify/session (default MemoryStore) with its defaults turned to match this library:
  // secure, saveUninitialized and rolling default to true there.
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: PEER_SECRET,
    saveUninitialized: false,
    rolling: false,
    cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: THIRTY_DAYS },
  });
  app.post('/login', async (request) => {
    await request.session.regenerate();
    request.session.set('userId', USER_ID);
    return { ok: true };
  });
  app.get('/api/me', async (request, reply) => {
    const userId = request.session.get('userId');
    if (userId === undefined) return reply.code(401).send({ error: 'unauthenticated' });
    return { userId };
  });
  return { app, close: async () => {} };
}

export async function listen({ app }) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
}
