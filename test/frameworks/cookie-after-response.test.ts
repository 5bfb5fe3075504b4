import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMiddleware } from '../../adapters/express/index.js';
import * as fastifyAdapter from '../../adapters/fastify/index.js';
import * as fetchAdapter from '../../adapters/fetch/index.js';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, isSessionError, type CreateSessionManagerOptions, type SessionManager } from '../../src/index.js';
import type { RequestSessions } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import Database from 'better-sqlite3';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { faultySqlite } from '../support/faults.js';
import { sharedStores } from '../support/shared-stores.js';
import { listen } from './listen.js';

// An app that forgets `await` sends its answer before signIn() (or signOut()) has written the cookie. The cookie can never reach the
// browser; the app must be told so by the library's own error, naming the missing await, not by the framework's (Express:
// ERR_HTTP_HEADERS_SENT thrown from inside the library, the process down) nor by silence (Koa drops the header).

type Action = (sessions: RequestSessions) => Promise<unknown>;
const SIGN_IN: Action = (sessions) => sessions.signIn({ userId: 'ada' });
const SIGN_OUT: Action = (sessions) => sessions.signOut();

let manager: SessionManager;
let app: FrameworkApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await manager?.close();
});

type Framework = 'express' | 'fastify' | 'koa' | 'fetch' | 'hono';

/**
 * Serves `/act`, which starts `action` (if any) and answers before it settles, as an app missing its `await` does; `outcome`: how `action`
 * ended; `sessions()`: the request's sessions, for an action the app starts once the answer went out; `send`: a request to `/act`.
 */
async function serve(framework: Framework, action?: Action, options: CreateSessionManagerOptions = {}): Promise<{ outcome: Promise<unknown>; sessions: () => RequestSessions; send: (init: RequestInit) => Promise<Response> }> {
  manager = createSessionManager(options);
  let settle: (outcome: unknown) => void = () => undefined;
  const outcome = new Promise<unknown>((resolve) => (settle = resolve));
  let later: RequestSessions | undefined;
  // Kept, not left unhandled: the app's bug, which this test plays, would leave the rejection unhandled.
  const play = (sessions: RequestSessions) => {
    later = sessions;
    if (action !== undefined) action(sessions).then(() => settle('fulfilled'), settle);
  };
  const sessions = () => later!;
  if (framework === 'fetch') {
    const handle = fetchAdapter.sessionHandler(manager)(async (_request, requestSessions) => {
      play(requestSessions);
      return new Response('done');
    });
    return { outcome, sessions, send: (init) => handle(new Request('http://127.0.0.1/act', init)) };
  }
  if (framework === 'hono') {
    const server = new Hono();
    server.use(honoAdapter.sessionMiddleware(manager));
    server.post('/act', (c) => {
      play(c.var.sessions);
      return c.text('done');
    });
    return { outcome, sessions, send: async (init) => server.fetch(new Request('http://127.0.0.1/act', init)) };
  }
  if (framework === 'express') {
    const server = express();
    server.use(sessionMiddleware(manager));
    server.post('/act', (req, res) => {
      play(req.sessions);
      res.send('done');
    });
    app = await listen(createServer(server));
  } else if (framework === 'fastify') {
    const server = Fastify();
    await server.register(fastifyAdapter.sessionPlugin, { sessions: manager });
    server.post('/act', (request, reply) => {
      play(request.sessions);
      return reply.send('done');
    });
    await server.ready();
    app = await listen(server.server);
  } else {
    const server = new Koa();
    server.use(koaAdapter.sessionMiddleware(manager));
    server.use((ctx) => {
      play(ctx.sessions);
      ctx.body = 'done';
    });
    app = await listen(createServer(server.callback()));
  }
  return { outcome, sessions, send: (init) => fetch(`${app!.url}/act`, init) };
}

const postgres = (await sharedStores('latecookie')).find((store) => store.name === 'postgres')!;
const run = Math.random().toString(36).slice(2, 8);

const signedIn = async () => `session=${(await manager.create({ userId: 'ada' })).token}`;

describe('a session action not awaited before the response was sent', () => {
  for (const framework of ['express', 'fastify', 'koa'] as const) {
    it(`${framework}: signIn() rejects with a SessionError saying the response was already sent and naming the missing await`, async () => {
      const { outcome } = await serve(framework, SIGN_IN);
      const response = await fetch(`${app!.url}/act`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
      expect([response.status, await response.text(), response.headers.get('set-cookie')]).toEqual([200, 'done', null]);
      const error = await outcome;
      expect(isSessionError(error) && [error.code, error.message]).toEqual([
        'INVALID_CONFIGURATION',
        'signIn() ended after the response was sent, so the session cookie it sets never reaches the browser: await signIn() before sending the response.',
      ]);
    });
  }

  for (const framework of ['express', 'fastify', 'koa'] as const) {
    it(`${framework}: signOut() ends the session and settles; its stale cookie is cleared at the next request`, async () => {
      const { outcome } = await serve(framework, SIGN_OUT);
      const cookie = await signedIn();
      const response = await fetch(`${app!.url}/act`, { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
      expect([response.status, await response.text(), await outcome]).toEqual([200, 'done', 'fulfilled']);
      expect(await manager.validate(cookie.slice('session='.length))).toMatchObject({ ok: false, reason: 'revoked' });
      const next = await fetch(`${app!.url}/act`, { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
      expect(next.headers.get('set-cookie')).toMatch(/^session=;/);
    });
  }
});

describe('a session action after Fastify reply.hijack(), before the app writes the raw response', () => {
  // reply.hijack() only tells Fastify the app writes reply.raw itself; an app that copies reply.getHeaders() onto it, as the
  // plugin's own live stream does, still sends the cookie, so nothing was sent yet and signIn() must set it.
  it('fastify: signIn() sets the cookie the app then sends with the reply headers', async () => {
    manager = createSessionManager();
    const server = Fastify();
    await server.register(fastifyAdapter.sessionPlugin, { sessions: manager });
    server.post('/act', async (request, reply) => {
      reply.hijack();
      const failure = await request.sessions.signIn({ userId: 'ada' }).then(() => undefined, (error: unknown) => String(error));
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
      reply.raw.writeHead(failure === undefined ? 200 : 500);
      reply.raw.end(failure ?? 'done');
    });
    await server.ready();
    app = await listen(server.server);
    const response = await fetch(`${app.url}/act`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect([response.status, await response.text()]).toEqual([200, 'done']);
    const token = /^session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    expect(await manager.validate(token ?? '')).toMatchObject({ ok: true, session: { userId: 'ada' } });
  });
});

describe('a session action after a Fetch handler returned its Response', () => {
  // The wrapper puts the cookies on the Response the handler returned; one written later can never reach the browser.
  const handled = async (action: Action) => {
    manager = createSessionManager();
    let later: RequestSessions | undefined;
    const handle = fetchAdapter.sessionHandler(manager)(async (_request, sessions) => {
      later = sessions;
      return new Response('done');
    });
    const cookie = await signedIn();
    const response = await handle(new Request('http://127.0.0.1/act', { method: 'POST', headers: { cookie, 'sec-fetch-site': 'same-origin' } }));
    return { response, cookie, outcome: action(later!).then(() => 'fulfilled', (error: unknown) => error) };
  };

  it('fetch: signIn() rejects naming the missing await', async () => {
    const { response, outcome } = await handled(SIGN_IN);
    expect([await response.text(), response.headers.get('set-cookie')]).toEqual(['done', null]);
    const error = await outcome;
    expect(isSessionError(error) && error.message).toBe('signIn() ended after the response was sent, so the session cookie it sets never reaches the browser: await signIn() before sending the response.');
  });

  it('fetch: signIn() the handler did not await before it threw rejects, and leaves no session behind', async () => {
    manager = createSessionManager();
    let pending: Promise<unknown> = Promise.resolve();
    const handle = fetchAdapter.sessionHandler(manager)(async (_request, sessions) => {
      pending = sessions.signIn({ userId: 'ada' }).then(() => 'fulfilled', (error: unknown) => (isSessionError(error) ? error.code : error));
      throw new Error('the handler failed');
    });
    await expect(handle(new Request('http://127.0.0.1/act', { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } }))).rejects.toThrow('the handler failed');
    expect([await pending, await manager.list('ada')]).toEqual(['INVALID_CONFIGURATION', []]);
  });

  it('fetch: signOut() ends the session and settles', async () => {
    const { cookie, outcome } = await handled(SIGN_OUT);
    expect(await outcome).toBe('fulfilled');
    expect(await manager.validate(cookie.slice('session='.length))).toMatchObject({ ok: false, reason: 'revoked' });
  });
});

describe.skipIf(!postgres.up)('a sign-in refused after the response was sent leaves no session behind (PostgreSQL, and SQLite for a failing store)', () => {
  // A session nobody holds would stay on the user's Security page for 30 days and count against maxSessions (evicting a real device).
  const LATE_MESSAGE = (action: string) => `${action} ended after the response was sent, so the session cookie it sets never reaches the browser: await ${action} before sending the response.`;
  let users = 0;
  const user = () => `late-${run}-${(users += 1)}`;
  const post = (cookie?: string): RequestInit => ({ method: 'POST', headers: { 'sec-fetch-site': 'same-origin', ...(cookie === undefined ? {} : { cookie }) } });
  const liveIds = async (userId: string) => (await manager.list(userId)).map((view) => view.id);
  const described = (outcome: unknown) => (isSessionError(outcome) ? [outcome.code, outcome.message] : outcome);
  const settled = (pending: Promise<unknown>) => pending.then(() => 'fulfilled', described);

  for (const framework of ['express', 'fastify', 'koa', 'fetch', 'hono'] as const) {
    it(`${framework}: signIn() started once the answer went out stores nothing; under maxSessions 1 the user's device stays signed in`, async () => {
      const userId = user();
      const { sessions, send } = await serve(framework, undefined, { store: await postgres.open(), maxSessions: 1 });
      const device = await manager.create({ userId });
      await (await send(post())).text();
      expect(await settled(sessions().signIn({ userId }))).toEqual(['INVALID_CONFIGURATION', LATE_MESSAGE('signIn()')]);
      expect(await liveIds(userId)).toEqual([device.session.id]);
    });

    it(`${framework}: signIn() under way when the answer went out ends the session it made before it rejects`, async () => {
      const userId = user();
      const { outcome, send } = await serve(framework, (sessions) => sessions.signIn({ userId }), { store: await postgres.open() });
      const device = await manager.create({ userId });
      await (await send(post())).text();
      expect(described(await outcome)).toEqual(['INVALID_CONFIGURATION', LATE_MESSAGE('signIn()')]);
      expect(await liveIds(userId)).toEqual([device.session.id]);
    });

    it(`${framework}: a store that fails to end the session it made is the refusal's cause`, async () => {
      const userId = user();
      const faulty = faultySqlite();
      const store = sqliteStore({ database: faulty.wrap(new Database(':memory:')) });
      const { outcome, send } = await serve(framework, (sessions) => sessions.signIn({ userId }), { store });
      manager.on('session.created', () => faulty.faults.inject(store, 'refused'));
      await (await send(post())).text();
      const refusal = await outcome;
      expect([described(refusal), isSessionError(refusal) && isSessionError(refusal.cause) && refusal.cause.code]).toEqual([['INVALID_CONFIGURATION', LATE_MESSAGE('signIn()')], 'STORE_UNAVAILABLE']);
      faulty.faults.heal(store);
    });

    for (const started of ['once the answer went out', 'under way when the answer went out'] as const) {
      it(`${framework}: passwordChanged() ${started} signs the other devices out and leaves no fresh session for this one`, async () => {
        const userId = user();
        const change: Action = (sessions) => sessions.passwordChanged();
        const { outcome, sessions, send } = await serve(framework, started === 'once the answer went out' ? undefined : change, { store: await postgres.open() });
        const here = await manager.create({ userId });
        await manager.create({ userId });
        await (await send(post(`session=${here.token}`))).text();
        const result = started === 'once the answer went out' ? settled(change(sessions())) : outcome.then(described);
        expect(await result).toEqual(['INVALID_CONFIGURATION', LATE_MESSAGE('passwordChanged()')]);
        expect(await liveIds(userId)).toEqual([]);
      });
    }
  }
});
