import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import * as expressAdapter from '../../../adapters/express/index.js';
import { replyToSessionError, sessionPlugin } from '../../../adapters/fastify/index.js';
import * as koaAdapter from '../../../adapters/koa/index.js';
import { safeNextPath, type RequestSessions } from '../../../src/http/index.js';
import { isSessionError, type SessionManager } from '../../../src/index.js';
import { listen } from '../../frameworks/listen.js';

export const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** A started app on 127.0.0.1. */
export interface RunningApp {
  readonly framework: Framework;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: also the Origin of same-origin requests. */
  readonly origin: string;
  close(): Promise<void>;
}

/** What every app answers when an action failed: the status and JSON an app would send. */
function failure(error: unknown): { status: number; body: { error: string }; retryAfter?: string } {
  if (isSessionError(error) && error.code === 'STORE_UNAVAILABLE') return { status: 503, body: { error: 'unavailable' }, retryAfter: '5' };
  if (isSessionError(error) && error.code === 'INVALID_INPUT') return { status: 400, body: { error: 'invalid_input' } };
  // Anything else is a 500, which the checkers count as a violation: a store outage must
  // surface as STORE_UNAVAILABLE, never as a generic failure.
  return { status: 500, body: { error: isSessionError(error) ? error.code : 'internal' } };
}

function withoutToken(error: unknown): undefined {
  if (isSessionError(error) && (error.code === 'UNAUTHENTICATED' || error.code === 'STORE_UNAVAILABLE')) return undefined;
  throw error;
}

/** What the login route answers after `signIn`: a redirect when `next` was given, else JSON. */
async function login(
  sessions: SessionManager,
  requestSessions: RequestSessions,
  query: Record<string, unknown>,
): Promise<{ status: 200 | 401; json: unknown } | { status: 303; location: string }> {
  const userId = typeof query['user'] === 'string' ? query['user'] : 'anonymous';
  // Overtaken by a sign-out everywhere of the user while under way: the app asks for the credentials again.
  const created = await requestSessions.signIn({ userId }).catch((error: unknown) => {
    if (isSessionError(error) && error.code === 'UNAUTHENTICATED') return undefined;
    throw error;
  });
  if (created === undefined) return { status: 401, json: { error: 'sign_in_again' } };
  const { session } = created;
  if (query['next'] !== undefined) return { status: 303, location: safeNextPath(query['next'], '/') };
  // The sign-in happened whatever becomes of the token: a session that a concurrent sign-in
  // already replaced, or a store gone in between, gets none, and the client goes on with its cookie.
  const accessToken = sessions.accessTokensEnabled ? await sessions.issueAccessToken(session).catch(withoutToken) : undefined;
  return { status: 200, json: { userId: session.userId, sessionId: session.id, createdAt: session.createdAt, accessToken } };
}

function me(requestSessions: RequestSessions): { userId: string | null; sessionId: string | undefined } {
  return { userId: requestSessions.userId, sessionId: requestSessions.current?.id ?? requestSessions.accessToken?.sid };
}

const DASHBOARD = '<!doctype html><title>Dashboard</title><h1>Dashboard</h1>';

/**
 * The same small app in each framework, the way the README wires it: the session middleware
 * (cookies and Bearer access tokens), the JSON session routes under /sessions, and
 *   POST /login?user=<id>[&next=<path>]   sign in (JSON with the session id and an access
 *                                         token, or a 303 to safeNextPath(next) when given)
 *   GET  /api/me                          requireSession; { userId, sessionId }
 *   GET  /dashboard                       requireSession; HTML
 *   GET  /health                          no session needed
 * The login route has the library's same-origin guard; the library's error handling answers a
 * store outage in the app's own routes (Express `sessionErrorHandler()`, Fastify
 * `replyToSessionError()`, Koa's middleware itself) and the app's own handler after it turns
 * INVALID_INPUT into 400 and anything else into a 500, which the checkers count as a violation.
 */
export async function startApp(framework: Framework, sessions: SessionManager): Promise<RunningApp> {
  const accessTokens = sessions.accessTokensEnabled;
  const started = await (framework === 'express' ? express5(sessions, accessTokens) : framework === 'fastify' ? fastify5(sessions, accessTokens) : koa3(sessions, accessTokens));
  return { framework, ...started, origin: `http://127.0.0.1:${started.port}` };
}

async function express5(sessions: SessionManager, accessTokens: boolean): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.use(expressAdapter.sessionMiddleware(sessions, { accessTokens }));
  app.use(expressAdapter.sessionRoutes(sessions));
  app.post('/login', expressAdapter.requireSameOrigin(), async (req, res) => {
    const answer = await login(sessions, req.sessions, req.query as Record<string, unknown>);
    if (answer.status === 303) res.redirect(303, answer.location);
    else res.status(answer.status).json(answer.json);
  });
  app.get('/api/me', expressAdapter.requireSession(), (req, res) => {
    res.json(me(req.sessions));
  });
  app.get('/dashboard', expressAdapter.requireSession(), (_req, res) => {
    res.type('html').send(DASHBOARD);
  });
  app.get('/health', (_req, res) => {
    res.type('text').send('ok');
  });
  app.use(expressAdapter.sessionErrorHandler());
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const { status, body, retryAfter } = failure(error);
    if (retryAfter !== undefined) res.setHeader('retry-after', retryAfter);
    res.status(status).json(body);
  });
  const running = await listen(createServer(app));
  return { port: Number(new URL(running.url).port), close: running.close };
}

async function fastify5(sessions: SessionManager, accessTokens: boolean): Promise<{ port: number; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  await app.register(sessionPlugin, { sessions, accessTokens, routes: { prefix: '/sessions' } });
  app.post('/login', { onRequest: app.requireSameOrigin }, async (request, reply) => {
    const answer = await login(sessions, request.sessions, request.query as Record<string, unknown>);
    if (answer.status === 303) return reply.redirect(answer.location, 303);
    return reply.code(answer.status).send(answer.json);
  });
  app.get('/api/me', { preHandler: app.requireSession }, async (request) => me(request.sessions));
  app.get('/dashboard', { preHandler: app.requireSession }, async (_request, reply) => reply.type('text/html').send(DASHBOARD));
  app.get('/health', async () => 'ok');
  app.setErrorHandler((error, request, reply) => {
    if (replyToSessionError(error, request, reply)) return reply;
    // Fastify's own 4xx (a bad body, a bad URL) keep their status.
    const own = (error as { statusCode?: number }).statusCode;
    if (!isSessionError(error) && typeof own === 'number' && own >= 400 && own < 500) return reply.code(own).send({ error: 'bad_request' });
    const { status, body, retryAfter } = failure(error);
    if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
    return reply.code(status).send(body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

async function koa3(sessions: SessionManager, accessTokens: boolean): Promise<{ port: number; close(): Promise<void> }> {
  const app = new Koa();
  app.silent = true;
  const requireSession = koaAdapter.requireSession();
  const requireSameOrigin = koaAdapter.requireSameOrigin();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const own = (error as { status?: number }).status;
      if (!isSessionError(error) && typeof own === 'number' && own >= 400 && own < 500) {
        ctx.status = own;
        ctx.body = { error: 'bad_request' };
        return;
      }
      const { status, body, retryAfter } = failure(error);
      if (retryAfter !== undefined) ctx.set('retry-after', retryAfter);
      ctx.status = status;
      ctx.body = body;
    }
  });
  app.use(koaAdapter.sessionMiddleware(sessions, { accessTokens }));
  app.use(koaAdapter.sessionRoutes(sessions));
  app.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/login') {
      await requireSameOrigin(ctx, async () => {
        const answer = await login(sessions, ctx.sessions, ctx.query);
        if (answer.status === 303) {
          ctx.status = 303;
          ctx.redirect(answer.location);
        } else {
          ctx.status = answer.status;
          ctx.body = answer.json;
        }
      });
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/api/me') {
      await requireSession(ctx, async () => {
        ctx.body = me(ctx.sessions);
      });
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/dashboard') {
      await requireSession(ctx, async () => {
        ctx.type = 'html';
        ctx.body = DASHBOARD;
      });
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/health') {
      ctx.body = 'ok';
      return;
    }
    await next();
  });
  const running = await listen(createServer(app.callback()));
  return { port: Number(new URL(running.url).port), close: running.close };
}
