import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/koa/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { listen } from './listen.js';

describeFrameworkConformance(
  'koa',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const app = new Koa();
    const guard = requireSession();
    const sameOrigin = requireSameOrigin();
    const fresh = requireFresh();
    const freshHour = requireFresh({ maxAge: 3_600_000 });
    app.use(sessionMiddleware(sessions, middlewareOptions));
    // Form and JSON parsers in front of the routes, as apps have: they read the body and set
    // ctx.request.body, which the back-channel logout and Universal Logout routes then read.
    app.use(bodyParser({ enableTypes: ['form', 'json'] }));
    app.use(sessionRoutes(sessions, routesOptions));
    app.use(async (ctx, next) => {
      const route = `${ctx.method} ${ctx.path}`;
      if (route === 'POST /login') {
        await sameOrigin(ctx, async () => {
          const { session } = await ctx.sessions.signIn({ userId: String(ctx.query['user']), persistent: ctx.query['remember'] !== '0' });
          ctx.body = { sessionId: session.id };
        });
      } else if (route === 'POST /reauthenticate') {
        await guard(ctx, async () => {
          const session = await ctx.sessions.reauthenticated();
          ctx.body = { fresh: ctx.sessions.isFresh(), authenticatedAt: session?.authenticatedAt };
        });
      } else if (route === 'GET /api/sensitive' || route === 'GET /api/sensitive-hour') {
        await (route === 'GET /api/sensitive' ? fresh : freshHour)(ctx, async () => {
          ctx.body = { userId: ctx.sessions.userId };
        });
      } else if (route === 'GET /security') {
        await fresh(ctx, async () => {
          ctx.type = 'html';
          ctx.body = '<h1>Security</h1>';
        });
      } else if (route === 'POST /account') {
        await sameOrigin(ctx, () =>
          guard(ctx, async () => {
            ctx.body = { userId: ctx.sessions.userId };
          }),
        );
      } else if (route === 'GET /api/me' || route === 'HEAD /api/me') {
        await guard(ctx, async () => {
          ctx.body = { userId: ctx.sessions.userId, sessionId: ctx.sessions.current?.id ?? ctx.sessions.accessToken?.sid };
        });
      } else if (route === 'GET /dashboard' || route === 'HEAD /dashboard') {
        await guard(ctx, async () => {
          ctx.type = 'html';
          ctx.body = '<h1>Dashboard</h1>';
        });
      } else if (route === 'GET /api/public') {
        ctx.body = { userId: ctx.sessions.userId, status: ctx.sessions.status };
      } else {
        await next();
      }
    });
    return listen(createServer(app.callback()));
  },
  { runner: vitestRunner },
);
