import Fastify from 'fastify';
import { sessionErrorHandler, sessionPlugin } from '../../adapters/fastify/index.js';
import { describeFrameworkConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';

describeFrameworkConformance(
  'fastify',
  async ({ sessions, middlewareOptions, routesOptions }) => {
    const app = Fastify();
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
    app.post('/account', { preHandler: [app.requireSameOrigin, app.requireSession] }, async (request) => ({ userId: request.sessions.userId }));
    app.get('/api/me', { preHandler: app.requireSession }, async (request) => ({
      userId: request.sessions.userId,
      sessionId: request.sessions.current?.id ?? request.sessions.accessToken?.sid,
    }));
    app.get('/dashboard', { preHandler: app.requireSession }, async (_request, reply) => reply.type('text/html').send('<h1>Dashboard</h1>'));
    app.get('/api/public', async (request) => ({ userId: request.sessions.userId, status: request.sessions.status }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, close: () => app.close() };
  },
  { runner: vitestRunner },
);
