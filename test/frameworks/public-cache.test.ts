import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMiddleware as expressSessions, sessionRoutes as expressRoutes } from '../../adapters/express/index.js';
import { sessionPlugin } from '../../adapters/fastify/index.js';
import { sessionHandler } from '../../adapters/fetch/index.js';
import { sessionMiddleware as honoSessions, sessionRoutes as honoRoutes } from '../../adapters/hono/index.js';
import { sessionMiddleware as koaSessions } from '../../adapters/koa/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { serveFetch } from './fetch-bridge.js';
import { listen } from './listen.js';

const PUBLIC = 'public, max-age=300';
// Set app-wide, before the session middleware: what a CDN (RFC 9213) and a surrogate (Fastly, Akamai, Varnish) obey over Cache-Control.
const SHARED = { 'CDN-Cache-Control': PUBLIC, 'Surrogate-Control': PUBLIC };
type Serve = (sessions: SessionManager) => Promise<{ url: string; close(): Promise<void> }>;

// Each wrapper's public page: the app marks every response public for shared caches, the handler sets its own Cache-Control after the middleware ran.
// A Fetch handler's Response carries all three, and the wrapper's headers replace them (`Cache-Control` too).
const frameworks: ReadonlyArray<readonly [string, Serve]> = [
  ['Express', (sessions) => listen(createServer(express().use((_req, res, next) => (res.set(SHARED), next())).use(expressSessions(sessions)).get('/', (_req, res) => void res.set('Cache-Control', PUBLIC).send('home'))))],
  ['Koa', (sessions) => listen(createServer(new Koa().use((ctx, next) => (ctx.set(SHARED), next())).use(koaSessions(sessions)).use((ctx) => void (ctx.set('Cache-Control', PUBLIC), (ctx.body = 'home'))).callback()))],
  ['Fastify', async (sessions) => {
    const app = Fastify();
    app.addHook('onRequest', async (_request, reply) => void reply.headers(SHARED));
    await app.register(sessionPlugin, { sessions });
    app.get('/', async (_request, reply) => reply.header('cache-control', PUBLIC).send('home'));
    return { url: await app.listen({ host: '127.0.0.1', port: 0 }), close: () => app.close() };
  }],
  ['Hono', (sessions) => {
    const app = new Hono().use(async (c, next) => (c.header('CDN-Cache-Control', PUBLIC), c.header('Surrogate-Control', PUBLIC), next())).use(honoSessions(sessions));
    app.get('/', (c) => (c.header('Cache-Control', PUBLIC), c.text('home')));
    return listen(serveFetch(async (request) => app.fetch(request)));
  }],
  ['Fetch', (sessions) => listen(serveFetch(sessionHandler(sessions)(async () => new Response('home', { headers: { 'Cache-Control': PUBLIC, ...SHARED } }))))],
];

describe('a rotated session cookie on a page whose handler marks it public', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  for (const [name, serve] of frameworks) {
    it(`${name}: the response tells shared caches not to store it (CDN-Cache-Control and Surrogate-Control: no-store)`, async () => {
      let now = Date.now();
      const sessions = createSessionManager({ clock: () => now, kinds: { browser: { rotateAfter: 60_000, rotationGrace: 10_000 } } });
      const served = await serve(sessions);
      close = served.close;
      const { token } = await sessions.create({ userId: 'ada' });
      now += 120_000;
      const response = await fetch(served.url, { headers: { cookie: `session=${token}` } });
      expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=/)]);
      const cacheControl = name === 'Fetch' ? 'no-store' : PUBLIC;
      expect([response.headers.get('cache-control'), response.headers.get('cdn-cache-control'), response.headers.get('surrogate-control')]).toEqual([cacheControl, 'no-store', 'no-store']);
    });
  }
});

// An app that tells its CDN (RFC 9213) and its surrogate to keep every response, set before the session middleware and routes.
const EDGE = 'public, max-age=600';
const EDGE_HEADERS = { 'CDN-Cache-Control': EDGE, 'Surrogate-Control': EDGE };
const edgeApps: ReadonlyArray<readonly [string, Serve]> = [
  ['Express', (sessions) => listen(createServer(express().use((_req, res, next) => (res.set(EDGE_HEADERS), next())).use(expressSessions(sessions)).use(expressRoutes(sessions))))],
  ['Hono', (sessions) => {
    const app = new Hono().use(async (c, next) => (c.header('CDN-Cache-Control', EDGE), c.header('Surrogate-Control', EDGE), next())).use(honoSessions(sessions)).use(honoRoutes(sessions));
    return listen(serveFetch(async (request) => app.fetch(request)));
  }],
];

describe("the session list on an app whose CDN-Cache-Control and Surrogate-Control mark every response public", () => {
  for (const [name, serve] of edgeApps) {
    it(`${name}: tells the CDN not to store one user's devices`, async () => {
      const sessions = createSessionManager();
      const served = await serve(sessions);
      try {
        const { token, session } = await sessions.create({ userId: 'ada' });
        const response = await fetch(`${served.url}/sessions`, { headers: { cookie: `session=${token}` } });
        expect([response.status, (await response.text()).includes(session.id)]).toEqual([200, true]);
        expect([response.headers.get('cache-control'), response.headers.get('cdn-cache-control'), response.headers.get('surrogate-control')]).toEqual(['no-store', 'no-store', 'no-store']);
      } finally {
        await served.close();
      }
    });
  }
});
