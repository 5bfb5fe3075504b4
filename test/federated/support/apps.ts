import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import * as expressAdapter from '../../../adapters/express/index.js';
import * as fastifyAdapter from '../../../adapters/fastify/index.js';
import * as fetchAdapter from '../../../adapters/fetch/index.js';
import * as honoAdapter from '../../../adapters/hono/index.js';
import * as koaAdapter from '../../../adapters/koa/index.js';
import type { BackchannelLogoutOptions, SessionManager } from '../../../src/index.js';
import { fetchListener } from '../../frameworks/fetch-bridge.js';
import { finishSignIn, relyingParty, type RelyingParty } from './relying-party.mjs';

// One app, described once per wrapper: it signs users in through the provider (GET /login, then
// GET /callback answers { idToken, sid }), keeps the library's session (GET /api/me needs one)
// and serves the back-channel logout URI with the session routes (POST /sessions/backchannel-logout).

export const FRAMEWORKS = ['express', 'fastify', 'koa', 'hono', 'fetch', 'next'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** What an app description is given: a server already listening at `url`, for it to answer on. */
interface AppSetup {
  readonly server: Server;
  readonly url: string;
  readonly sessions: SessionManager;
  readonly rp: RelyingParty;
  readonly backchannelLogout: BackchannelLogoutOptions;
}

/** Attaches the app to the server; answers how to close it when closing the server is not enough. */
type AppDescription = (setup: AppSetup) => Promise<(() => Promise<void>) | void>;

const notFound = () => Response.json({ error: 'not_found' }, { status: 404 });

const APPS: Record<Framework, AppDescription> = {
  async express({ server, url, sessions, rp, backchannelLogout }) {
    const app = express();
    app.use(expressAdapter.sessionMiddleware(sessions));
    app.use(expressAdapter.sessionRoutes(sessions, { backchannelLogout }));
    app.get('/login', (_req, res, next) => void rp.login().then((to) => res.redirect(303, to.href), next));
    app.get('/callback', (req, res, next) => void finishSignIn(rp, req.sessions, new URL(req.originalUrl, url)).then((body) => res.json(body), next));
    app.get('/api/me', expressAdapter.requireSession(), (req, res) => void res.json({ userId: req.sessions.userId }));
    server.on('request', app);
  },

  async fastify({ server, url, sessions, rp, backchannelLogout }) {
    const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
    await app.register(fastifyAdapter.sessionPlugin, { sessions, routes: { backchannelLogout } });
    app.get('/login', async (_request, reply) => reply.redirect((await rp.login()).href, 303));
    app.get('/callback', async (request) => finishSignIn(rp, request.sessions, new URL(request.url, url)));
    app.get('/api/me', { preHandler: app.requireSession }, async (request) => ({ userId: request.sessions.userId }));
    await app.ready();
    return async () => {
      server.closeAllConnections();
      await app.close();
    };
  },

  async koa({ server, url, sessions, rp, backchannelLogout }) {
    const app = new Koa();
    app.use(koaAdapter.sessionMiddleware(sessions));
    app.use(koaAdapter.sessionRoutes(sessions, { backchannelLogout }));
    app.use(async (ctx, next) => {
      const route = `${ctx.method} ${ctx.path}`;
      if (route === 'GET /login') {
        ctx.status = 303;
        ctx.redirect((await rp.login()).href);
      } else if (route === 'GET /callback') ctx.body = await finishSignIn(rp, ctx.sessions, new URL(ctx.originalUrl, url));
      else await next();
    });
    app.use(koaAdapter.requireSession());
    app.use((ctx) => {
      if (ctx.method === 'GET' && ctx.path === '/api/me') ctx.body = { userId: ctx.sessions.userId };
    });
    server.on('request', app.callback());
  },

  async hono({ server, sessions, rp, backchannelLogout }) {
    const app = new Hono();
    app.use(honoAdapter.sessionMiddleware(sessions));
    app.use(honoAdapter.sessionRoutes(sessions, { backchannelLogout }));
    app.get('/login', async (c) => c.redirect((await rp.login()).href, 303));
    app.get('/callback', async (c) => c.json(await finishSignIn(rp, c.var.sessions, new URL(c.req.url))));
    app.get('/api/me', honoAdapter.requireSession(), (c) => c.json({ userId: c.var.sessions.userId }));
    server.on('request', getRequestListener(app.fetch));
  },

  // One handler for the whole app, as Bun.serve or Deno.serve take it.
  async fetch({ server, url, sessions, rp, backchannelLogout }) {
    const withSessions = fetchAdapter.sessionHandler(sessions);
    const routes = fetchAdapter.sessionRoutes(sessions, { backchannelLogout });
    const app = withSessions(async (request, requestSessions) => {
      const route = `${request.method} ${new URL(request.url).pathname}`;
      if (route === 'GET /login') return Response.redirect((await rp.login()).href, 303);
      if (route === 'GET /callback') return Response.json(await finishSignIn(rp, requestSessions, new URL(request.url)));
      if (route === 'GET /api/me') return fetchAdapter.requireSession(request) ?? Response.json({ userId: requestSessions.userId });
      return (await routes(request)) ?? notFound();
    });
    server.on('request', fetchListener(app, url));
  },

  // Next.js App Router route handlers, as examples/next-app writes them: one module per route
  // file, each handler wrapped on its own, one manager shared by all. Served through the Fetch
  // bridge with the App Router's dispatch (path to file, method to export, else 404 / 405), not
  // by `next start`, which needs the example's own install and a build of a minute or more.
  async next({ server, url, sessions, rp, backchannelLogout }) {
    const withSessions = fetchAdapter.sessionHandler(sessions);
    const routes = fetchAdapter.sessionRoutes(sessions, { backchannelLogout });
    const sessionRoutes = withSessions(async (request) => (await routes(request)) ?? notFound());
    const appDirectory: Record<string, Record<string, (request: Request) => Promise<Response>>> = {
      // app/login/route.ts
      '/login': { GET: async () => Response.redirect((await rp.login()).href, 303) },
      // app/callback/route.ts
      '/callback': { GET: withSessions(async (request, requestSessions) => Response.json(await finishSignIn(rp, requestSessions, new URL(request.url)))) },
      // app/api/me/route.ts
      '/api/me': { GET: withSessions((request, requestSessions) => fetchAdapter.requireSession(request) ?? Response.json({ userId: requestSessions.userId })) },
      // app/sessions/[[...path]]/route.ts
      '/sessions/[[...path]]': { GET: sessionRoutes, POST: sessionRoutes, DELETE: sessionRoutes },
    };
    const routeFile = (pathname: string) => (pathname === '/sessions' || pathname.startsWith('/sessions/') ? appDirectory['/sessions/[[...path]]'] : appDirectory[pathname]);
    const app = async (request: Request): Promise<Response> => {
      const exports = routeFile(new URL(request.url).pathname);
      if (exports === undefined) return notFound();
      const handler = exports[request.method];
      return handler === undefined ? new Response(null, { status: 405, headers: { allow: Object.keys(exports).join(', ') } }) : handler(request);
    };
    server.on('request', fetchListener(app, url));
  },
};

export interface RunningApp {
  readonly url: string;
  readonly rp: RelyingParty;
  close(): Promise<void>;
}

/** How one instance of the app is set up: its manager and its registration at the provider. */
export interface AppOptions {
  readonly sessions: SessionManager;
  readonly clientId: string;
  readonly backchannelLogout: BackchannelLogoutOptions;
}

/** A server listening on 127.0.0.1 before its app exists: the provider registers its URL first. */
export async function reserveApp(): Promise<{ url: string; serve(framework: Framework, options: AppOptions): Promise<RunningApp> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url,
    async serve(framework, { sessions, clientId, backchannelLogout }) {
      const rp = relyingParty(backchannelLogout.issuers[0]!.issuer, clientId, url);
      const close = await APPS[framework]({ server, url, sessions, rp, backchannelLogout });
      return { url, rp, close: close ?? closeServer };
    },
  };
}
