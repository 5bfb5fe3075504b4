import { runInNewContext } from 'node:vm';
import Fastify, { type FastifyRequest } from 'fastify';
import oldestFastify from 'fastify-oldest';
import { afterEach, describe, expect, it } from 'vitest';
import { requireFresh, sessionErrorHandler, sessionPlugin } from '../../adapters/fastify/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';

// The app's own constant cookie, one array for every response: the wrapper must never write into it.
const CONSENT = ['consent=1; Path=/'];

// Also on the oldest Fastify the peer range allows (typed as the installed one: what differs is the runtime), which keeps an
// array a header was given and pushes later values into it.
for (const [name, fastify] of [['fastify', Fastify], ['fastify 5.0.0', oldestFastify as unknown as typeof Fastify]] as const) {
  describeFrameworkConformance(
    name,
    async ({ sessions, middlewareOptions, routesOptions }) => {
      const app = fastify();
      app.addHook('onRequest', async (_request, reply) => {
        reply.header('set-cookie', CONSENT);
      });
      // A hook after the handler that takes a turn of the event loop (an audit log, a signer), as the contract asks.
      app.addHook('onSend', async (_request, _reply, payload) => {
        await new Promise((resolve) => setImmediate(resolve));
        return payload;
      });
      await app.register(sessionPlugin, { sessions, ...middlewareOptions, routes: routesOptions });
      // Fastify parses form bodies only with @fastify/formbody: take them as text here.
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      app.setErrorHandler(sessionErrorHandler());
      app.post<{ Querystring: { user?: string; remember?: string } }>('/login', { onRequest: app.requireSameOrigin }, async (request) => {
        const { session } = await request.sessions.signIn({ userId: String(request.query.user), persistent: request.query.remember !== '0' });
        return { sessionId: session.id };
      });
      app.post('/reauthenticate', { preHandler: app.requireSession }, async (request) => {
        const session = await request.sessions.reauthenticated();
        return { fresh: request.sessions.isFresh(), authenticatedAt: session?.authenticatedAt };
      });
      app.get('/api/sensitive', { preHandler: app.requireFresh }, async (request) => ({ userId: request.sessions.userId }));
      app.get('/api/sensitive-hour', { preHandler: app.requireFresh, config: { requireFresh: { maxAge: 3_600_000 } } }, async (request) => ({
        userId: request.sessions.userId,
      }));
      app.get('/security', { preHandler: app.requireFresh }, async (_request, reply) => reply.type('text/html').send('<h1>Security</h1>'));
      app.post('/sign-out-others', { preHandler: [app.requireSameOrigin, app.requireFresh] }, async (request) => ({
        revoked: (await request.sessions.signOutOthers()).revokedIds.length,
      }));
      app.post('/account', { preHandler: [app.requireSameOrigin, app.requireSession] }, async (request) => ({ userId: request.sessions.userId }));
      app.get('/api/me', { preHandler: app.requireSession }, async (request) => ({
        userId: request.sessions.userId,
        sessionId: request.sessions.current?.id ?? request.sessions.accessToken?.sid,
      }));
      app.get('/dashboard', { preHandler: app.requireSession }, async (_request, reply) => reply.type('text/html').send('<h1>Dashboard</h1>'));
      app.get('/api/public', async (request) => ({ userId: request.sessions.userId, status: request.sessions.status }));
      app.get('/api/theme', async (_request, reply) => reply.header('set-cookie', 'theme=dark; Path=/').send({ theme: 'dark' }));
      app.get('/api/fail', async () => {
        throw new Error('downstream failure');
      });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      // As the other apps' close: app.close() alone waits on the connection of an event stream whose client left.
      return {
        url,
        close: () => {
          const closing = app.close();
          app.server.closeAllConnections();
          return closing;
        },
      };
    },
    { runner: vitestRunner },
  );
}

describe('fastify: a guard that answers stops the route, even behind an async onSend hook', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => close?.());

  // An app whose onSend hook takes a turn of the event loop (an audit log, a signer): each guarded handler would sign someone in.
  async function start(): Promise<{ url: string; ran: string[] }> {
    const sessions = createSessionManager();
    const app = Fastify();
    await app.register(sessionPlugin, { sessions });
    app.addHook('onSend', async (_request, _reply, payload) => {
      await new Promise((resolve) => setImmediate(resolve));
      return payload;
    });
    const ran: string[] = [];
    const signIn = (route: string) => async (request: FastifyRequest) => {
      ran.push(route);
      await request.sessions.signIn({ userId: 'mallory' });
      return { ok: true };
    };
    app.post('/login', { onRequest: app.requireSameOrigin }, signIn('login'));
    app.post('/transfer', { preHandler: app.requireFresh }, signIn('transfer'));
    app.post('/transfer-hour', { preHandler: requireFresh({ maxAge: 3_600_000 }) }, signIn('transfer-hour'));
    app.post('/comments', { preHandler: app.requireSession }, signIn('comments'));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
    return { url, ran };
  }

  it('requireSameOrigin, fastify.requireFresh, requireFresh() and fastify.requireSession: the refusal carries no session cookie and the handler never ran', async () => {
    const { url, ran } = await start();
    const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    const replies = [
      await fetch(`${url}/login`, { method: 'POST', headers: crossSite }),
      await fetch(`${url}/transfer`, { method: 'POST' }),
      await fetch(`${url}/transfer-hour`, { method: 'POST' }),
      await fetch(`${url}/comments`, { method: 'POST' }),
    ];
    expect(replies.map((reply) => [reply.status, reply.headers.getSetCookie()])).toEqual([[403, []], [401, []], [401, []], [401, []]]);
    expect(ran).toEqual([]);
  });
});

describe('fastify: sessionErrorHandler() and a handler that throws something other than an Error', () => {
  it("a failure stays a failure: a string or an object is a 500 (its statusCode unread), another realm's Error keeps its own", async () => {
    const app = Fastify();
    await app.register(sessionPlugin, { sessions: createSessionManager() });
    app.setErrorHandler(sessionErrorHandler());
    app.post('/transfer', async () => {
      throw 'insufficient funds';
    });
    // An upstream client's response object, and a parsed body with an own "__proto__" key.
    app.get('/upstream', async () => {
      throw { statusCode: 200, message: 'all good' };
    });
    app.get('/parsed', async () => {
      throw JSON.parse('{"__proto__": {}, "statusCode": 409}');
    });
    app.get('/odd', async () => {
      throw Object.create(null);
    });
    app.get('/realm', async () => {
      throw Object.assign(new (runInNewContext('Error') as ErrorConstructor)('already taken'), { statusCode: 409 });
    });
    try {
      const replies = await Promise.all(['/upstream', '/parsed', '/odd', '/realm'].map((url) => app.inject({ url })));
      replies.unshift(await app.inject({ method: 'POST', url: '/transfer' }));
      expect(replies.map((reply) => [reply.statusCode, reply.headers['content-type'], JSON.parse(reply.body).message])).toEqual([
        [500, 'application/json; charset=utf-8', 'insufficient funds'],
        ...[1, 2, 3].map(() => [500, 'application/json; charset=utf-8', 'A value that is not an Error was thrown.']),
        [409, 'application/json; charset=utf-8', 'already taken'],
      ]);
    } finally {
      await app.close();
    }
  });
});
