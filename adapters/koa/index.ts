/**
 * Koa 3 wrapper: translates Koa's context to `session-revocation/http`, where every decision
 * is taken (routes included: no router needed).
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { safeNextPath } from 'session-revocation/http';
 * import { requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from 'session-revocation/koa';
 *
 * const app = new Koa();
 * app.use(sessionMiddleware(sessions, { loginPath: '/login' })); // sessions = createSessionManager()
 * app.use(sessionRoutes(sessions)); // GET /sessions, DELETE /sessions/:id, POST /sessions/sign-out...
 * app.use(requireSameOrigin()); // 403 for a POST, PUT, PATCH or DELETE sent from another site
 * app.use(async (ctx, next) => {
 *   if (ctx.path === '/login' && ctx.method === 'POST') {
 *     await ctx.sessions.signIn({ userId: await checkPassword(ctx) }); // store down: 503, not 500
 *     ctx.redirect(safeNextPath(ctx.query.next, '/'));
 *   } else await next();
 * });
 * app.use(requireSession()); // everything below needs a session
 * ```
 *
 * @module session-revocation/koa
 */
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';
import type { SessionManager } from '../../src/manager/api.js';
import { NodeRequest } from '../../src/http/request.js';
import { asError, NOT_STORED } from '../../src/http/response.js';
import { restoredCookies } from '../../src/http/cookies.js';
import { createSessionHttpLayer } from '../../src/http/session-http.js';
import { createSessionRoutes, errorResponse, freshMaxAge, requireFreshResponse, requireSameOriginResponse, requireSessionResponse, streamToNode, writeHeaders } from '../../src/http/index.js';
import type { HttpResponse, RequestSessions, RequireFreshOptions, ResponseTarget, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

declare module 'koa' {
  interface ExtendableContext {
    /** This request's session and the actions bound to it, set by `sessionMiddleware()`. */
    sessions: RequestSessions;
  }
}

export type { RequestSessions, RequireFreshOptions, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

type Context = ParameterizedContext;

class ContextTarget implements ResponseTarget {
  readonly #cookies: string[] = [];

  constructor(private readonly ctx: Context) {}

  setHeader(name: string, value: string): void {
    this.ctx.set(name, value);
  }

  appendSetCookie(value: string): void {
    this.#cookies.push(value);
    this.ctx.append('Set-Cookie', value);
  }

  get headersSent(): boolean {
    return this.ctx.headerSent;
  }

  // An app's `ctx.set('Set-Cookie', …)` after this layer's replaces a rotated or cleared session cookie: it is put back, last.
  restoreCookies(): void {
    if (this.#cookies.length === 0 || this.ctx.headerSent) return;
    const restored = restoredCookies(this.#cookies, this.ctx.res.getHeader('set-cookie'));
    if (restored !== undefined) this.ctx.set('Set-Cookie', restored);
  }
}

function send(ctx: Context, response: HttpResponse): void {
  writeHeaders(response, new ContextTarget(ctx));
  ctx.status = response.status;
  if (response.stream === undefined) {
    // The wrapper answers (a 503 for a store that failed): an app's `ctx.respond = false` was for an answer of its own, never written.
    ctx.respond = true;
    ctx.body = response.body;
    return;
  }
  // Koa would end a response it sends itself: the stream writes on the raw one.
  ctx.respond = false;
  streamToNode(response.stream, ctx.res);
}

const proceedOrSend = (ctx: Context, next: () => Promise<unknown>, denied: HttpResponse | undefined): Promise<unknown> =>
  denied === undefined ? next() : Promise.resolve(send(ctx, denied));

// Koa's onerror keeps only the error's headers: a rotated cookie rides on an error derived from the app's, never on the app's own (shared by every request).
function keepCookies(ctx: Context, error: unknown): unknown {
  const cookies = ctx.res.getHeader('set-cookie');
  if (cookies === undefined) return error;
  const base = asError(error);
  const headers = { ...(base as { headers?: object }).headers, 'set-cookie': cookies, ...NOT_STORED };
  return Object.create(base, { headers: { value: headers, enumerable: true } }) as Error;
}

/**
 * Attaches `ctx.sessions` from the session cookie or `Authorization: Bearer`; never refuses a request itself.
 * A `STORE_UNAVAILABLE` thrown further down becomes the library's `503`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for options that contradict themselves.
 */
export function sessionMiddleware(sessions: SessionManager, options: SessionHttpOptions = {}): Middleware<DefaultState, DefaultContext, unknown> {
  const http = createSessionHttpLayer(sessions, options, 'sessionMiddleware()');
  // Not async: an async function returning this promise would wait extra turns for it.
  return function sessionMiddleware(ctx, next) {
    // ctx.request holds what a body parser made of the body.
    const request = new NodeRequest(ctx.req, ctx.originalUrl, ctx.request);
    const target = new ContextTarget(ctx);
    return http.attach(request, target).then((attached) => {
      ctx.sessions = attached;
      return next().then(
        () => target.restoreCookies(),
        (error: unknown) => {
          target.restoreCookies();
          const response = ctx.headerSent ? undefined : errorResponse(error, request, ctx.sessions);
          if (response !== undefined) return send(ctx, response);
          throw keepCookies(ctx, error);
        },
      );
    });
  };
}

/**
 * Lets signed-in requests through; answers the others `303` to the login page (a page navigation), `401` JSON, or `503`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without {@link sessionMiddleware} before it.
 */
export function requireSession(): Middleware<DefaultState, DefaultContext, unknown> {
  return function requireSession(ctx, next) {
    return proceedOrSend(ctx, next, requireSessionResponse(ctx.sessions));
  };
}

/**
 * Lets a session that signed in or re-authenticated within `maxAge` through; others get `303` to `reauthPath` (a page) or `403`.
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a bad `maxAge`, or without {@link sessionMiddleware} before it.
 */
export function requireFresh(options?: RequireFreshOptions): Middleware<DefaultState, DefaultContext, unknown> {
  const maxAge = freshMaxAge(options, 'requireFresh()');
  return function requireFresh(ctx, next) {
    return proceedOrSend(ctx, next, requireFreshResponse(ctx.sessions, maxAge));
  };
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` from another site with `403`: sign-in and sign-out need it most, having no session.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without {@link sessionMiddleware} before it.
 */
export function requireSameOrigin(): Middleware<DefaultState, DefaultContext, unknown> {
  return function requireSameOrigin(ctx, next) {
    return proceedOrSend(ctx, next, requireSameOriginResponse(ctx.sessions));
  };
}

/**
 * The JSON session routes under `prefix`; other requests pass through. Mount after {@link sessionMiddleware}.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): Middleware<DefaultState, DefaultContext, unknown> {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(ctx, next) {
    return proceedOrSend(ctx, next, await routes.respond(ctx.sessions));
  };
}
