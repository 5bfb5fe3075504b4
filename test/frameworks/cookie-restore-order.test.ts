// The wrapper's cookies put back after the app's ctx.set()/c.header() must not land after a
// cookie the library wrote later on the same response (a sign-out's clearing cookie, a sign-in's new one).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import type { RequestSessions } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { listen } from './listen.js';

const CSRF = 'csrf=abc; Path=/';
// The app sets a cookie of its own (a CSRF middleware mounted after the session's, say), then acts.
const act = (path: string, sessions: RequestSessions): Promise<unknown> =>
  path.startsWith('/sign-out') ? sessions.signOut() : path.startsWith('/sign-in') ? sessions.signIn({ userId: 'bob', kind: 'remember', persistent: true }) : Promise.resolve();

async function start(name: string, sessions: SessionManager): Promise<FrameworkApp> {
  if (name === 'koa') {
    const app = new Koa();
    app.use(koaAdapter.sessionMiddleware(sessions));
    app.use(async (ctx) => {
      ctx.set('Set-Cookie', CSRF);
      await act(ctx.path, ctx.sessions);
      ctx.body = { user: ctx.sessions.userId };
    });
    return listen(createServer(app.callback()));
  }
  const app = new Hono();
  app.use(honoAdapter.sessionMiddleware(sessions));
  app.all('*', async (c) => {
    c.header('Set-Cookie', CSRF);
    await act(new URL(c.req.url).pathname, c.get('sessions'));
    return c.json({ ok: true });
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => new Promise<void>((done) => (server.close(() => done()), 'closeAllConnections' in server && server.closeAllConnections())) }),
    );
  });
}

describe.each(['koa', 'hono'])('%s: a rotation, the app replacing Set-Cookie, then a cookie change on the same request', (name) => {
  let app: FrameworkApp | undefined;
  afterEach(async () => app?.close());

  const setUp = async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const rotation = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: rotation } });
    app = await start(name, sessions);
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember', persistent: true });
    let jar = token;
    const load = async (path: string) => {
      const response = await fetch(`${app!.url}${path}`, { headers: { cookie: `session=${jar}`, accept: 'application/json' } });
      const cookies = response.headers.getSetCookie();
      // A browser: the last Set-Cookie of the name wins.
      for (const cookie of cookies) if (cookie.startsWith('session=')) jar = cookie.slice('session='.length).split(';')[0]!;
      return { status: response.status, cookies };
    };
    clock.now += rotation.rotateAfter; // the next request rotates alice's cookie
    return { sessions, load, jar: () => jar };
  };

  it("sign-out: the browser ends with the clearing cookie, not the rotated one", async () => {
    const { load, jar } = await setUp();
    const { status, cookies } = await load('/sign-out');
    expect({ status, jar: jar(), csrf: cookies.includes(CSRF) }).toEqual({ status: 200, jar: '', csrf: true });
  });

  it("sign-in: the browser ends with the new session's cookie, and is signed in as bob", async () => {
    const { sessions, load, jar } = await setUp();
    const { status, cookies } = await load('/sign-in');
    expect({ status, csrf: cookies.includes(CSRF) }).toEqual({ status: 200, csrf: true });
    const result = await sessions.validate(jar());
    expect(result.ok ? result.session.userId : null).toBe('bob');
  });
});
