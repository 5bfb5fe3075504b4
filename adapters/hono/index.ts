/**
 * Hono 4 wrapper: translates Hono's context to `session-revocation/http`, where every decision
 * is taken. Runs wherever Hono runs on a server with `node:crypto` (Node.js, Bun, Deno).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import { getConnInfo } from '@hono/node-server/conninfo'; // or from 'hono/bun', 'hono/deno'
 * import { safeNextPath } from 'session-revocation/http';
 * import { requireSameOrigin, requireSession, sessionMiddleware, sessionRoutes } from 'session-revocation/hono';
 *
 * const app = new Hono();
 * app.use(sessionMiddleware(sessions, { loginPath: '/login', getConnInfo })); // sessions = createSessionManager()
 * app.use(sessionRoutes(sessions)); // GET /sessions, DELETE /sessions/:id, POST /sessions/sign-out...
 * app.post('/login', requireSameOrigin(), async (c) => {
 *   await c.var.sessions.signIn({ userId: await checkPassword(c) }); // store down: 503, not 500
 *   return c.redirect(safeNextPath(c.req.query('next'), '/'), 303);
 * });
 * app.get('/dashboard', requireSession(), (c) => c.text(`Hello ${c.var.sessions.userId}`));
 * serve(app);
 * ```
 *
 * @module session-revocation/hono
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { GetConnInfo } from 'hono/conninfo';
import type { StatusCode } from 'hono/utils/http-status';
import type { SessionManager } from '../../src/manager/api.js';
import { callable } from '../../src/option-checks.js';
import { restoredCookies } from '../../src/http/cookies.js';
import { createSessionHttpLayer } from '../../src/http/session-http.js';
import { mediaType } from '../../src/http/request.js';
import { asError, createSessionRoutes, errorResponse, freshMaxAge, fromFetchRequest, requireFreshResponse, requireSameOriginResponse, requireSessionResponse, streamToWeb } from '../../src/http/index.js';
import type { HttpRequest, HttpResponse, RequestSessions, RequireFreshOptions, ResponseTarget, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's session and the actions bound to it, set by `sessionMiddleware()`. */
    sessions: RequestSessions;
  }
}

export type { RequestSessions, RequireFreshOptions, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

/** Options of {@link sessionMiddleware}. */
export interface SessionMiddlewareOptions extends SessionHttpOptions {
  /** The runtime adapter's `getConnInfo`, for the IP stored with each session (else only `X-Forwarded-For`, with `trustProxy`). @default none */
  readonly getConnInfo?: GetConnInfo;
}

interface Written extends ResponseTarget {
  ensureOn(c: Context): void;
  handedOn(): void;
}

function target(c: Context): Written {
  const headers = new Map<string, string>();
  const cookies: string[] = [];
  let sent = false;
  return {
    setHeader(name, value) {
      headers.set(name, value);
      c.header(name, value);
    },
    appendSetCookie(value) {
      cookies.push(value);
      c.header('set-cookie', value, { append: true });
    },
    // Once this middleware returned, Hono hands the Response on: a cookie written later (an action not awaited) reaches nobody.
    get headersSent() {
      return sent;
    },
    handedOn: () => void (sent = true),
    // Hono puts prepared headers only on responses the context built: a handler's own Response gets them here.
    ensureOn(c) {
      // A protocol switch (Deno's WebSocket `101`) cannot be copied and goes as it is, as in the Fetch wrapper: a cookie handed to it is lost.
      if (cookies.length === 0 || c.res.status < 200) return;
      const restored = restoredCookies(cookies, c.res.headers.getSetCookie());
      if (restored === undefined) return;
      for (const [name, value] of headers) c.header(name, value);
      c.header('set-cookie', undefined);
      for (const cookie of restored) c.header('set-cookie', cookie, { append: true });
    },
  };
}

function send(c: Context, response: HttpResponse): Response {
  for (const cookie of response.setCookies) c.header('set-cookie', cookie, { append: true });
  const body = response.stream !== undefined ? streamToWeb(response.stream, c.req.raw.signal) : response.body === '' ? null : response.body;
  return c.newResponse(body, response.status as StatusCode, response.headers);
}

const proceedOrSend = (c: Context, next: Next, denied: HttpResponse | undefined): Promise<void> | Response => (denied === undefined ? next() : send(c, denied));

// What the app's parsing left in Hono's cache: a form as fields (`all` keeps repeats), else the text.
function parsedBody(c: Context, request: HttpRequest): Promise<unknown> {
  const type = mediaType(request);
  return type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data' ? c.req.parseBody({ all: true }) : c.req.text();
}

/**
 * Sets `c.var.sessions` from the session cookie or `Authorization: Bearer`; never refuses a request itself.
 * A `STORE_UNAVAILABLE` thrown further down becomes the library's `503`. Sign in within it (a handler, or a middleware mounted after it):
 * once it returns, its cookies are on the `Response`, and a `signIn()` then rejects with `INVALID_CONFIGURATION`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option or options that contradict themselves.
 */
export function sessionMiddleware(sessions: SessionManager, options: SessionMiddlewareOptions = {}): MiddlewareHandler {
  // The layer checks the options object and ignores getConnInfo, this wrapper's own.
  const http = createSessionHttpLayer(sessions, options, 'sessionMiddleware()', ['getConnInfo']);
  const getConnInfo = callable<GetConnInfo, undefined>('sessionMiddleware() option getConnInfo', options.getConnInfo, undefined);
  return async function sessionMiddleware(c, next) {
    const request = fromFetchRequest(c.req.raw, { remoteAddress: getConnInfo?.(c).remote.address, parsedBody: () => parsedBody(c, request) });
    const written = target(c);
    const requestSessions = await http.attach(request, written);
    c.set('sessions', requestSessions);
    try {
      // Hono hands only an Error of this realm to `app.onError`; anything else would reject past it, and the cookie with it.
      await next().catch((error: unknown) => Promise.reject(asError(error)));
      // Hono hands a thrown error to `app.onError` before this middleware sees it: replace that answer.
      const unavailable = c.error === undefined ? undefined : errorResponse(c.error, request, requestSessions);
      if (unavailable === undefined) return written.ensureOn(c);
      c.res = send(c, unavailable);
      written.ensureOn(c);
      // Hono's setter keeps the replaced page's headers (a CORS middleware's too) over the 503's own: those are written again.
      for (const [name, value] of Object.entries(unavailable.headers)) c.res.headers.set(name, value);
    } finally {
      written.handedOn();
    }
  };
}

/**
 * Lets signed-in requests through; answers the others `303` to the login page (a page navigation), `401` JSON, or `503`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without {@link sessionMiddleware} before it.
 */
export function requireSession(): MiddlewareHandler {
  return async function requireSession(c, next) {
    return proceedOrSend(c, next, requireSessionResponse(c.get('sessions')));
  };
}

/**
 * Lets a session that signed in or re-authenticated within `maxAge` through; others get `303` to `reauthPath` (a page) or `403`.
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a bad `maxAge`, or without {@link sessionMiddleware} before it.
 */
export function requireFresh(options?: RequireFreshOptions): MiddlewareHandler {
  const maxAge = freshMaxAge(options, 'requireFresh()');
  return async function requireFresh(c, next) {
    return proceedOrSend(c, next, requireFreshResponse(c.get('sessions'), maxAge));
  };
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` from another site with `403`: sign-in and sign-out need it most, having no session.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` without {@link sessionMiddleware} before it.
 */
export function requireSameOrigin(): MiddlewareHandler {
  return async function requireSameOrigin(c, next) {
    return proceedOrSend(c, next, requireSameOriginResponse(c.get('sessions')));
  };
}

/**
 * The JSON session routes under `prefix`; other requests pass through. Mount after {@link sessionMiddleware}, at the root.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): MiddlewareHandler {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(c, next) {
    return proceedOrSend(c, next, await routes.respond(c.get('sessions')));
  };
}
