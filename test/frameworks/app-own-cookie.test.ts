// An app that sets a cookie of its own after the session middleware, with its framework's usual
// call, must not drop the session cookie the library wrote on the same response: a rotated one
// lost this way would be presented again after the grace and end the session as reused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../adapters/express/index.js';
import { sessionPlugin } from '../../adapters/fastify/index.js';
import * as fetchAdapter from '../../adapters/fetch/index.js';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import type { RequestSessions } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { serveFetch } from './fetch-bridge.js';
import { listen } from './listen.js';

const THEME = 'theme=dark; Path=/';
type Action = (sessions: RequestSessions) => Promise<unknown>;
// GET /page runs the action (nothing, or a sign-out), then sets the app's cookie and answers 200.
const pageAction = (url: string): Action => (url.startsWith('/sign-out') ? (sessions) => sessions.signOut() : async () => undefined);

async function start(name: string, sessions: SessionManager): Promise<FrameworkApp> {
  switch (name) {
    case 'express': {
      const app = express();
      app.use(expressAdapter.sessionMiddleware(sessions));
      // Express: res.cookie() (or res.append), which adds; res.setHeader('Set-Cookie') replaces every cookie, the docs say.
      app.get(/.*/, async (req, res) => {
        await pageAction(req.url)(req.sessions);
        res.cookie('theme', 'dark', { path: '/' }).json({ ok: true });
      });
      return listen(createServer(app));
    }
    case 'koa': {
      const app = new Koa();
      app.use(koaAdapter.sessionMiddleware(sessions));
      app.use(async (ctx) => {
        await pageAction(ctx.url)(ctx.sessions);
        ctx.set('Set-Cookie', THEME);
        ctx.body = { ok: true };
      });
      return listen(createServer(app.callback()));
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(sessionPlugin, { sessions });
      app.get('/*', async (request, reply) => {
        await pageAction(request.url)(request.sessions);
        return reply.header('set-cookie', THEME).send({ ok: true });
      });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      return { url, close: () => app.close() };
    }
    case 'hono': {
      const app = new Hono();
      app.use(honoAdapter.sessionMiddleware(sessions));
      app.get('*', async (c) => {
        await pageAction(new URL(c.req.url).pathname)(c.get('sessions'));
        c.header('Set-Cookie', THEME);
        return c.json({ ok: true });
      });
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
          resolve({ url: `http://127.0.0.1:${info.port}`, close: () => new Promise<void>((done) => (server.close(() => done()), 'closeAllConnections' in server && server.closeAllConnections())) }),
        );
      });
    }
    default: {
      const withSessions = fetchAdapter.sessionHandler(sessions);
      return listen(
        serveFetch(
          withSessions(async (request, requestSessions) => {
            await pageAction(new URL(request.url).pathname)(requestSessions);
            return new Response('{"ok":true}', { headers: { 'set-cookie': THEME } });
          }),
        ),
      );
    }
  }
}

describe.each(['express', 'koa', 'fastify', 'hono', 'fetch'])('%s: the app sets a cookie of its own after the session middleware', (name) => {
  let app: FrameworkApp | undefined;
  afterEach(async () => app?.close());

  const setUp = async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const rotation = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: rotation } });
    app = await start(name, sessions);
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember', persistent: true });
    // A browser's jar for the session cookie: the last Set-Cookie of that name wins.
    let jar = token;
    const load = async (path = '/page') => {
      const response = await fetch(`${app!.url}${path}`, { headers: { cookie: `session=${jar}`, accept: 'application/json' } });
      const cookies = response.headers.getSetCookie();
      for (const cookie of cookies) if (cookie.startsWith('session=')) jar = cookie.slice('session='.length).split(';')[0]!;
      return { status: response.status, theme: cookies.includes(THEME), session: cookies.filter((cookie) => cookie.startsWith('session=')) };
    };
    return { clock, rotation, load, jar: () => jar };
  };

  it('a rotated session cookie reaches the browser beside it, and the user is still signed in after the grace', async () => {
    const { clock, rotation, load } = await setUp();
    clock.now += rotation.rotateAfter;
    const rotating = await load();
    expect({ ...rotating, session: rotating.session.length }).toEqual({ status: 200, theme: true, session: 1 });
    clock.now += rotation.rotationGrace;
    expect((await load()).status).toBe(200);
  });

  it("a sign-out's clearing cookie reaches the browser beside it", async () => {
    const { load, jar } = await setUp();
    const signedOut = await load('/sign-out');
    expect({ status: signedOut.status, theme: signedOut.theme, cleared: signedOut.session.length === 1 && jar() === '' }).toEqual({ status: 200, theme: true, cleared: true });
  });
});
