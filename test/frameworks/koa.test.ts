import { createServer } from 'node:http';
import { runInNewContext } from 'node:vm';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { requireFresh, requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from '../../adapters/koa/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { vitestRunner } from '../runner.js';
import { listen } from './listen.js';

// The app's own constant cookie, one array for every response: the wrapper must never write into it.
const CONSENT = ['consent=1; Path=/'];

describeFrameworkConformance(
  'koa',
  ({ sessions, middlewareOptions, routesOptions }) => {
    const app = new Koa();
    const guard = requireSession();
    const sameOrigin = requireSameOrigin();
    const fresh = requireFresh();
    const freshHour = requireFresh({ maxAge: 3_600_000 });
    app.use((ctx, next) => {
      ctx.set('Set-Cookie', CONSENT);
      return next();
    });
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
      } else if (route === 'POST /sign-out-others') {
        await sameOrigin(ctx, () =>
          fresh(ctx, async () => {
            ctx.body = { revoked: (await ctx.sessions.signOutOthers()).revokedIds.length };
          }),
        );
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
      } else if (route === 'GET /api/theme') {
        ctx.set('Set-Cookie', 'theme=dark; Path=/');
        ctx.body = { theme: 'dark' };
      } else if (route === 'GET /api/fail') {
        throw new Error('downstream failure');
      } else {
        await next();
      }
    });
    return listen(createServer(app.callback()));
  },
  { runner: vitestRunner },
);

describe('koa: an error thrown on the request that rotates the cookie', () => {
  const ROTATION = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("keeps the error's own headers and status, and adds the new cookie; a request with nothing to rotate gets Koa's answer alone", async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: ROTATION } });
    const app = new Koa();
    app.use(sessionMiddleware(sessions));
    app.use((ctx) => ctx.throw(401, 'basic auth needed', { headers: { 'WWW-Authenticate': 'Basic realm="files"' } }));
    const started = await listen(createServer(app.callback()));
    close = started.close;
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
    const quiet = await fetch(started.url, { headers: { cookie: `session=${token}` } });
    clock.now += ROTATION.rotateAfter;
    const rotated = await fetch(started.url, { headers: { cookie: `session=${token}` } });
    const seen = (reply: Response) => [reply.status, reply.headers.get('www-authenticate'), reply.headers.get('cache-control'), reply.headers.get('cdn-cache-control'), reply.headers.get('surrogate-control'), reply.headers.getSetCookie().length];
    expect([seen(quiet), seen(rotated)]).toEqual([
      [401, 'Basic realm="files"', null, null, null, 0],
      [401, 'Basic realm="files"', 'no-store', 'no-store', 'no-store', 1],
    ]);
  });

  it("never writes to the app's error: one error object thrown on every request carries one user's cookie to nobody else", async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: ROTATION } });
    const maintenance = Object.assign(new Error('down for maintenance'), { status: 503, expose: true });
    const reported: unknown[] = [];
    const app = new Koa();
    app.on('error', (error: Error) => void reported.push(error.message));
    app.use(sessionMiddleware(sessions));
    app.use(() => {
      throw maintenance;
    });
    const started = await listen(createServer(app.callback()));
    close = started.close;
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
    clock.now += ROTATION.rotateAfter;
    const alice = await fetch(started.url, { headers: { cookie: `session=${token}` } });
    const anonymous = await fetch(started.url);
    expect([alice.status, alice.headers.getSetCookie().length, anonymous.status, anonymous.headers.getSetCookie()]).toEqual([503, 1, 503, []]);
    expect([Object.keys(maintenance), reported]).toEqual([['status', 'expose'], ['down for maintenance', 'down for maintenance']]);
  });
  it("keeps the new cookie when the thrown value is another realm's Error or not an Error at all, which Koa answers too", async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: ROTATION } });
    const app = new Koa();
    app.silent = true;
    app.use(sessionMiddleware(sessions));
    app.use((ctx) => {
      if (ctx.path === '/realm') throw Object.assign(new (runInNewContext('Error') as ErrorConstructor)('from a vm context'), { status: 409, expose: true });
      // An upstream client's response object: Koa answers it 500, as any value that is not an Error, and so must the cookie's.
      if (ctx.path === '/upstream') throw { status: 200, headers: { 'x-upstream': 'yes' } };
      throw 'plain value';
    });
    const started = await listen(createServer(app.callback()));
    close = started.close;
    const answers: unknown[] = [];
    for (const path of ['/realm', '/upstream', '/plain']) {
      const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
      clock.now += ROTATION.rotateAfter;
      const failed = await fetch(`${started.url}${path}`, { headers: { cookie: `session=${token}` } });
      answers.push([failed.status, await failed.text(), failed.headers.get('cache-control'), failed.headers.getSetCookie().length, failed.headers.get('x-upstream')]);
    }
    // Without the new cookie the browser would present the old one after the grace, and be signed out as a reuse.
    expect(answers).toEqual([
      [409, 'from a vm context', 'no-store', 1, null],
      [500, 'Internal Server Error', 'no-store', 1, null],
      [500, 'Internal Server Error', 'no-store', 1, null],
    ]);
  });
});
