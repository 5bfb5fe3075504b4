// Koa 3: GET /api/me answering { userId } for a signed-in user, POST /login signing in.
import Koa from 'koa';
import session from 'koa-session';
import { ADDED_BUDGET } from '../../lib/budgets.mjs';
import { USER_ID, PEER_SECRET, THIRTY_DAYS, computeFor, dist, libraryFor } from './common.mjs';

/**
 * Diagnosis only (`--controls`): an async middleware that attaches a user and does nothing else;
 * and a plain middleware that computes for the budget's time (`computeFor`) and attaches a user.
 */
export const CONTROLS = ['control:hook', 'control:budget'];
export const VARIANTS = ['bare', 'lib:memory', 'koa-session:store'];

const me = (userId) => async (ctx) => {
  if (ctx.path === '/api/me' && ctx.method === 'GET') ctx.body = { userId: userId(ctx) };
};

export async function createApp(variant, name) {
  const app = new Koa();
  // The sessionless variants: an optional first middleware, then the bare app's routes.
  const sessionless = (first, userId) => {
    if (first !== undefined) app.use(first);
    app.use(async (ctx, next) => {
      if (ctx.path === '/login' && ctx.method === 'POST') ctx.body = { ok: true };
      else await next();
    });
    app.use(me(userId));
    return { app, close: async () => {} };
  };
  if (variant === 'bare') return sessionless(undefined, () => USER_ID);
  if (variant === 'control:budget') {
    const compute = computeFor(ADDED_BUDGET.koa);
    const attach = (ctx, next) => {
      compute();
      ctx.sessions = { userId: USER_ID };
      return next();
    };
    return sessionless(attach, (ctx) => ctx.sessions.userId);
  }
  if (variant === 'control:hook') {
    const attach = async (ctx, next) => {
      ctx.sessions = { userId: USER_ID };
      await next();
    };
    return sessionless(attach, (ctx) => ctx.sessions.userId);
  }
  if (variant.startsWith('lib:')) {
    const { sessionMiddleware, requireSession } = await dist('koa');
    const library = await libraryFor(variant, name);
    app.use(sessionMiddleware(library.sessions));
    app.use(async (ctx, next) => {
      if (ctx.path === '/login' && ctx.method === 'POST') {
        await ctx.sessions.signIn({ userId: USER_ID });
        ctx.body = { ok: true };
      } else await next();
    });
    app.use(requireSession());
    app.use(me((ctx) => ctx.sessions.userId));
    return { app, close: library.close };
  }
  // koa-session with an external store (a Map: the cookie carries only the key), signed
  // cookie as by default, no rolling or renewal, plain HTTP.
  const sessionsByKey = new Map();
  app.keys = [PEER_SECRET];
  app.use(
    session(
      {
        key: 'koa.sess',
        maxAge: THIRTY_DAYS,
        signed: true,
        httpOnly: true,
        secure: false,
        rolling: false,
        renew: false,
        sameSite: 'lax',
        store: {
          async get(key) {
            return sessionsByKey.get(key);
          },
          async set(key, value) {
            sessionsByKey.set(key, value);
          },
          async destroy(key) {
            sessionsByKey.delete(key);
          },
        },
      },
      app,
    ),
  );
  app.use(async (ctx, next) => {
    if (ctx.path === '/login' && ctx.method === 'POST') {
      await ctx.session.regenerate();
      ctx.session.userId = USER_ID;
      ctx.body = { ok: true };
    } else if (ctx.session.userId === undefined) {
      ctx.status = 401;
      ctx.body = { error: 'unauthenticated' };
    } else await next();
  });
  app.use(me((ctx) => ctx.session.userId));
  return { app, close: async () => {} };
}

export async function listen({ app }) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) }));
  });
}
