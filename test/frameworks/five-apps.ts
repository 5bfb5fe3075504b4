import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import * as fastifyAdapter from '../../adapters/fastify/index.js';
import * as fetchAdapter from '../../adapters/fetch/index.js';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import type { LiveEventsOptions, RequestSessions, SessionHttpOptions } from '../../src/http/index.js';
import type { SessionManager } from '../../src/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { serveFetch } from './fetch-bridge.js';
import { listen } from './listen.js';

// One small app per wrapper, for tests that need the same app on every framework: the
// session middleware, the session routes and `POST /login?user=&tenant=`.

export const FRAMEWORKS = ['express', 'fastify', 'koa', 'hono', 'fetch'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** `POST /login?user=&tenant=` signs in; the session routes with `events`; nothing else. */
export async function serveApp(framework: Framework, sessions: SessionManager, events: LiveEventsOptions = {}, http: SessionHttpOptions = {}): Promise<FrameworkApp> {
  const signIn = (requestSessions: { signIn: RequestSessions['signIn'] }, query: URLSearchParams) =>
    requestSessions.signIn({ userId: String(query.get('user')), tenantId: query.get('tenant') ?? undefined }).then(({ session }) => ({ sessionId: session.id }));
  const queryOf = (url: string) => new URL(url, 'http://localhost').searchParams;
  if (framework === 'express') {
    const app = express();
    app.use(sessionMiddleware(sessions, http));
    app.use(sessionRoutes(sessions, { events }));
    app.post('/login', async (req, res) => void res.json(await signIn(req.sessions, queryOf(req.originalUrl))));
    return listen(createServer(app));
  }
  if (framework === 'fastify') {
    const app = Fastify();
    await app.register(fastifyAdapter.sessionPlugin, { sessions, routes: { events } });
    app.post('/login', async (request) => signIn(request.sessions, queryOf(request.url)));
    await app.listen({ host: '127.0.0.1', port: 0 });
    // An open stream is an active connection, which close() waits for: end them, as the other servers' close does.
    return {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  }
  if (framework === 'koa') {
    const app = new Koa();
    app.use(koaAdapter.sessionMiddleware(sessions));
    app.use(koaAdapter.sessionRoutes(sessions, { events }));
    app.use(async (ctx) => {
      if (ctx.path === '/login') ctx.body = await signIn(ctx.sessions, queryOf(ctx.url));
    });
    return listen(createServer(app.callback()));
  }
  if (framework === 'hono') {
    const app = new Hono();
    app.use(honoAdapter.sessionMiddleware(sessions));
    app.use(honoAdapter.sessionRoutes(sessions, { events }));
    app.post('/login', async (c) => c.json(await signIn(c.var.sessions, queryOf(c.req.url))));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        });
      });
    });
  }
  const withSessions = fetchAdapter.sessionHandler(sessions);
  const routes = fetchAdapter.sessionRoutes(sessions, { events });
  return listen(
    serveFetch(
      withSessions(async (request, requestSessions) => {
        if (new URL(request.url).pathname === '/login') return Response.json(await signIn(requestSessions, queryOf(request.url)));
        return (await routes(request)) ?? new Response(null, { status: 404 });
      }),
    ),
  );
}

