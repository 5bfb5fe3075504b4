import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMiddleware } from '../../adapters/express/index.js';
import * as fastifyAdapter from '../../adapters/fastify/index.js';
import * as fetchAdapter from '../../adapters/fetch/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import type { RequestSessions } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
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

/** Serves `/act`, which starts `action` and answers before it settles, as an app missing its `await` does; `outcome`: how `action` ended. */
async function serve(framework: 'express' | 'fastify' | 'koa', action: Action): Promise<{ outcome: Promise<unknown> }> {
  manager = createSessionManager();
  let settle: (outcome: unknown) => void = () => undefined;
  const outcome = new Promise<unknown>((resolve) => (settle = resolve));
  // Kept, not left unhandled: the app's bug, which this test plays, would leave the rejection unhandled.
  const observe = (pending: Promise<unknown>) => pending.then(() => settle('fulfilled'), settle);
  if (framework === 'express') {
    const server = express();
    server.use(sessionMiddleware(manager));
    server.post('/act', (req, res) => {
      observe(action(req.sessions));
      res.send('done');
    });
    app = await listen(createServer(server));
  } else if (framework === 'fastify') {
    const server = Fastify();
    await server.register(fastifyAdapter.sessionPlugin, { sessions: manager });
    server.post('/act', (request, reply) => {
      observe(action(request.sessions));
      return reply.send('done');
    });
    await server.ready();
    app = await listen(server.server);
  } else {
    const server = new Koa();
    server.use(koaAdapter.sessionMiddleware(manager));
    server.use((ctx) => {
      observe(action(ctx.sessions));
      ctx.body = 'done';
    });
    app = await listen(createServer(server.callback()));
  }
  return { outcome };
}

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

  it('fetch: signOut() ends the session and settles', async () => {
    const { cookie, outcome } = await handled(SIGN_OUT);
    expect(await outcome).toBe('fulfilled');
    expect(await manager.validate(cookie.slice('session='.length))).toMatchObject({ ok: false, reason: 'revoked' });
  });
});
