// A rotation on attach, the app replaces Set-Cookie (its CSRF cookie), then a store call fails: the library's 503
// must still carry the rotated cookie, or the browser presents the old one after the grace and is signed out as reused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { switchableStore } from '../../src/testing/framework/failing-store.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { listen } from './listen.js';

const CSRF = 'csrf=abc; Path=/';
// Goes down once the rotation has been written, before the handler's own store call.
const store = switchableStore(memoryStore());
async function start(name: string, sessions: SessionManager): Promise<FrameworkApp> {
  if (name === 'koa') {
    const app = new Koa();
    app.use(koaAdapter.sessionMiddleware(sessions));
    app.use(async (ctx) => {
      ctx.set('Set-Cookie', CSRF);
      store.failing = true;
      ctx.body = await ctx.sessions.list();
    });
    return listen(createServer(app.callback()));
  }
  const app = new Hono();
  app.use(honoAdapter.sessionMiddleware(sessions));
  app.all('*', async (c) => {
    c.header('Set-Cookie', CSRF);
    store.failing = true;
    return c.json(await c.get('sessions').list());
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => new Promise<void>((done) => (server.close(() => done()), 'closeAllConnections' in server && server.closeAllConnections())) }),
    );
  });
}

describe.each(['koa', 'hono'])('%s: rotation, app replaces Set-Cookie, then a store failure (503)', (name) => {
  let app: FrameworkApp | undefined;
  afterEach(async () => {
    store.failing = false;
    await app?.close();
  });

  it('the 503 carries the rotated cookie, so the browser is not signed out as reused after the grace', async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const rotation = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
    const sessions = createSessionManager({ store, clock: () => clock.now, kinds: { remember: rotation } });
    app = await start(name, sessions);
    const { token } = await sessions.create({ userId: 'alice', kind: 'remember', persistent: true });
    clock.now += rotation.rotateAfter;
    const response = await fetch(`${app.url}/x`, { headers: { cookie: `session=${token}`, accept: 'application/json' } });
    const cookies = response.headers.getSetCookie();
    store.failing = false;
    // What the browser holds afterwards: the rotated token, or the old one if the 503 dropped it.
    let jar = token;
    for (const cookie of cookies) if (cookie.startsWith('session=')) jar = cookie.slice('session='.length).split(';')[0]!;
    clock.now += rotation.rotationGrace + 1;
    const after = await sessions.validate(jar);
    expect({ status: response.status, sessionCookies: cookies.filter((c) => c.startsWith('session=')).length, stillSignedIn: after.ok }).toEqual({ status: 503, sessionCookies: 1, stillSignedIn: true });
  });
});

describe('koa: the app takes the response over (ctx.respond = false), then a store call fails before it wrote anything', () => {
  let app: FrameworkApp | undefined;
  afterEach(async () => {
    store.failing = false;
    await app?.close();
  });

  it('the 503 is sent', async () => {
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'alice' });
    const koa = new Koa();
    koa.use(koaAdapter.sessionMiddleware(sessions));
    koa.use(async (ctx) => {
      ctx.respond = false;
      store.failing = true;
      ctx.res.end(JSON.stringify(await ctx.sessions.list()));
    });
    app = await listen(createServer(koa.callback()));
    // Bounded: before the fix no answer ever came.
    const response = await fetch(`${app.url}/x`, { headers: { cookie: `session=${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
    expect({ status: response.status, retryAfter: response.headers.get('retry-after') !== null }).toEqual({ status: 503, retryAfter: true });
  });
});
