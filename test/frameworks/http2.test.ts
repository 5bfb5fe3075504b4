import type { AddressInfo } from 'node:net';
import { connect, createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as fastifyAdapter from '../../adapters/fastify/index.js';
import * as fetchAdapter from '../../adapters/fetch/index.js';
import * as honoAdapter from '../../adapters/hono/index.js';
import * as koaAdapter from '../../adapters/koa/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';

// Every wrapper that runs on node:http2 (Express cannot): browsers send `:authority` there, never a Host line.
const FRAMEWORKS = ['fastify', 'koa', 'hono', 'fetch'] as const;
type Framework = (typeof FRAMEWORKS)[number];

/** Cleartext HTTP/2 (h2c) on 127.0.0.1: the session middleware, the session routes and `POST /login?user=`. */
async function serveH2(framework: Framework, sessions: SessionManager): Promise<string> {
  const user = (url: string) => String(new URL(url, 'http://127.0.0.1').searchParams.get('user'));
  if (framework === 'fastify') {
    const app = Fastify({ http2: true });
    await app.register(fastifyAdapter.sessionPlugin, { sessions, routes: {} });
    app.post('/login', async (request) => ({ sessionId: (await request.sessions.signIn({ userId: user(request.url) })).session.id }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => app.close());
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }
  if (framework === 'koa') {
    const app = new Koa();
    app.use(koaAdapter.sessionMiddleware(sessions));
    app.use(koaAdapter.sessionRoutes(sessions));
    app.use(async (ctx) => {
      if (ctx.path === '/login') ctx.body = { sessionId: (await ctx.sessions.signIn({ userId: user(ctx.url) })).session.id };
    });
    const server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  let fetch: (request: Request) => Promise<Response>;
  if (framework === 'hono') {
    const app = new Hono();
    app.use(honoAdapter.sessionMiddleware(sessions));
    app.use(honoAdapter.sessionRoutes(sessions));
    app.post('/login', async (c) => c.json({ sessionId: (await c.var.sessions.signIn({ userId: user(c.req.url) })).session.id }));
    fetch = async (request) => app.fetch(request);
  } else {
    const routes = fetchAdapter.sessionRoutes(sessions);
    fetch = fetchAdapter.sessionHandler(sessions)(async (request, requestSessions) => {
      if (new URL(request.url).pathname === '/login') return Response.json({ sessionId: (await requestSessions.signIn({ userId: user(request.url) })).session.id });
      return (await routes(request)) ?? new Response(null, { status: 404 });
    });
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch, hostname: '127.0.0.1', port: 0, createServer }, () => resolve(started));
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface H2Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on a new HTTP/2 session, headers sent exactly as given (pseudo-headers included). */
function h2Request(origin: string, headers: OutgoingHttpHeaders): Promise<H2Reply> {
  const client = connect(origin);
  return new Promise<H2Reply>((resolve, reject) => {
    client.once('error', reject);
    const stream = client.request(headers);
    let body = '';
    let answered: IncomingHttpHeaders = {};
    stream.setEncoding('utf8');
    stream.on('response', (received) => void (answered = received));
    stream.on('data', (chunk: string) => void (body += chunk));
    stream.on('end', () => resolve({ status: Number(answered[':status']), headers: answered, body }));
    stream.on('error', reject);
    stream.end();
  }).finally(() => client.close());
}

async function signIn(origin: string, userId: string): Promise<string> {
  const reply = await h2Request(origin, { ':method': 'POST', ':path': `/login?user=${userId}` });
  const cookie = [reply.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith('session='));
  expect([reply.status, cookie]).toEqual([200, expect.any(String)]);
  return cookie!.split(';')[0]!;
}

describe.each(FRAMEWORKS)('%s on node:http2', (framework) => {
  it('a same-origin sign-out (Origin, no Sec-Fetch-Site, :authority and no Host line) signs out, as over HTTP/1.1', async () => {
    const sessions = createSessionManager();
    const origin = await serveH2(framework, sessions);
    const cookie = await signIn(origin, 'alice');
    const reply = await h2Request(origin, { ':method': 'POST', ':path': '/sessions/sign-out', origin, cookie });
    expect([reply.status, reply.body]).toEqual([200, '{"global":false}']);
    expect(await sessions.list('alice')).toEqual([]);
  });

  it("a sign-out from another site is still refused, and a DELETE of another device's session from the same origin passes", async () => {
    const sessions = createSessionManager();
    const origin = await serveH2(framework, sessions);
    const laptop = await signIn(origin, 'alice');
    await signIn(origin, 'alice');
    const refused = await h2Request(origin, { ':method': 'POST', ':path': '/sessions/sign-out', origin: 'http://evil.example', cookie: laptop });
    expect([refused.status, refused.body]).toEqual([403, '{"error":"cross_site_request"}']);
    const [phone] = (await sessions.list('alice')).filter((session) => !laptop.includes(session.id));
    const deleted = await h2Request(origin, { ':method': 'DELETE', ':path': `/sessions/${phone!.id}`, origin, cookie: laptop });
    expect(deleted.status).toBe(204);
    expect((await sessions.list('alice')).length).toBe(1);
  });
});

// Node.js takes a request whose Host line and :authority differ (RFC 9113 calls it malformed): neither may pick the origin, whichever the attacker's page is.
describe.each(['fastify', 'koa'] as const)('%s on node:http2, a Host line that differs from :authority', (framework) => {
  it('is refused as cross-site whichever of the two names the Origin, and signs nobody out', async () => {
    const sessions = createSessionManager();
    const origin = await serveH2(framework, sessions);
    const cookie = await signIn(origin, 'alice');
    const { host } = new URL(origin);
    const statuses: number[] = [];
    for (const [authority, hostLine] of [[host, 'evil.example'], ['evil.example', host]]) {
      const reply = await h2Request(origin, { ':method': 'POST', ':path': '/sessions/sign-out', ':authority': authority, host: hostLine, origin: 'http://evil.example', cookie });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([403, 403]);
    expect((await sessions.list('alice')).length).toBe(1);
    const sameCase = await h2Request(origin, { ':method': 'POST', ':path': '/sessions/sign-out', ':authority': host, host, origin, cookie });
    expect(sameCase.status).toBe(200);
  });
});
