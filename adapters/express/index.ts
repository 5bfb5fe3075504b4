/**
 * Express 5 wrapper: translates Express's request and response to `session-revocation/http`,
 * where every decision is taken.
 *
 * @example
 * ```ts
 * import { requireSameOrigin, requireSession, sessionErrorHandler, sessionMiddleware, sessionRoutes } from 'session-revocation/express';
 * import { safeNextPath } from 'session-revocation/http';
 *
 * const app = express();
 * app.use(sessionMiddleware(sessions, { loginPath: '/login' })); // sessions = createSessionManager()
 * app.use(sessionRoutes(sessions)); // GET /sessions, DELETE /sessions/:id, POST /sessions/sign-out...
 * app.use(requireSameOrigin()); // 403 for a POST, PUT, PATCH or DELETE sent from another site
 * app.post('/login', express.urlencoded(), async (req, res) => {
 *   const user = await checkPassword(req.body.email, req.body.password);
 *   await req.sessions.signIn({ userId: user.id });
 *   res.redirect(303, safeNextPath(req.query.next, '/'));
 * });
 * app.get('/dashboard', requireSession(), (req, res) => res.send(`Hello ${req.sessions.userId}`));
 * app.use(sessionErrorHandler()); // after the routes: a store outage is a 503, not a 500
 * ```
 *
 * @module session-revocation/express
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { SessionManager } from '../../src/manager/api.js';
import { createSessionHttpLayer } from '../../src/http/session-http.js';
import {
  createSessionRoutes,
  errorResponse,
  freshMaxAge,
  fromNodeRequest,
  requireFreshResponse,
  requireSameOriginResponse,
  requireSessionResponse,
  streamToNode,
  writeHeaders,
  type HttpResponse,
  type RequestSessions,
  type RequireFreshOptions,
  type ResponseTarget,
  type SessionHttpOptions,
  type SessionRoutesOptions,
} from '../../src/http/index.js';

declare global {
  // Express types its request through this global namespace.
  namespace Express {
    interface Request {
      /** This request's session and the actions bound to it, set by `sessionMiddleware()`. */
      sessions: RequestSessions;
    }
  }
}
export type { RequestSessions, RequireFreshOptions, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

// One object per request, its methods on the prototype: no closures built for every request.
class ResTarget implements ResponseTarget {
  readonly #res: Response;

  constructor(res: Response) {
    this.#res = res;
  }

  setHeader(name: string, value: string): void {
    this.#res.setHeader(name, value);
  }

  appendSetCookie(value: string): void {
    this.#res.append('Set-Cookie', value);
  }
}

// `originalUrl`: inside a mounted router `req.url` is cut down to the router's part. `req`
// again as the holder of `req.body`, where a body parser in front (express.urlencoded()) puts the form.
const httpRequest = (req: Request) => fromNodeRequest(req, req.originalUrl, req);

function send(res: Response, response: HttpResponse): void {
  writeHeaders(response, new ResTarget(res));
  if (response.stream !== undefined) streamToNode(response.stream, res.status(response.status));
  else res.status(response.status).end(response.body);
}

/** Sends what a guard answered, or goes on when it answered nothing. */
function proceedOrSend(res: Response, next: () => void, denied: HttpResponse | undefined): void {
  if (denied === undefined) next();
  else send(res, denied);
}

/**
 * Reads the session cookie (or `Authorization: Bearer`) of every request and attaches
 * `req.sessions`. It never refuses a request itself: put {@link requireSession} on the routes
 * that need a session.
 *
 * Put it early: after `express.static` and whatever else answers without a session, before
 * the rest.
 *
 * @param sessions - The manager from `createSessionManager()`.
 * @param options - Login path, cookie, proxy and access-token options.
 * @returns The middleware, for `app.use()`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for options that contradict themselves.
 */
export function sessionMiddleware(sessions: SessionManager, options: SessionHttpOptions = {}): RequestHandler {
  const http = createSessionHttpLayer(sessions, options, 'sessionMiddleware()');
  // A failure (a misconfiguration; a store outage is an answer, not an error) goes to next(error).
  return function sessionMiddleware(req, res, next) {
    http.attach(httpRequest(req), new ResTarget(res)).then((sessions) => {
      req.sessions = sessions;
      next();
    }, next);
  };
}

/**
 * Lets signed-in requests through; answers the others: a relative `303` to the login page for
 * a page navigation (a page load or a form post), `401` JSON otherwise, `503` when the store is
 * unavailable.
 *
 * @returns The middleware, for a route: `app.get('/dashboard', requireSession(), handler)`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION`, to the error handlers, without {@link sessionMiddleware} before it.
 */
export function requireSession(): RequestHandler {
  return function requireSession(req, res, next) {
    proceedOrSend(res, next, requireSessionResponse(req.sessions));
  };
}

/**
 * Lets a request go on when its session proved who it is recently (signed in or
 * re-authenticated within `maxAge`); answers the others: what {@link requireSession} answers
 * without a session, else a relative `303` to the `reauthPath` option (`/login?reauth=1&next=…`)
 * for a page navigation, `403` JSON `{ "error": "reauthentication_required" }` otherwise. For
 * sensitive actions: changing the email or password, ending other sessions, deleting the account.
 *
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @returns The middleware, for a route: `app.post('/email', requireFresh(), handler)`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a `maxAge` that is not a
 * whole number of ms >= 1 (at once), or without {@link sessionMiddleware} before it (to the error handlers).
 */
export function requireFresh(options?: RequireFreshOptions): RequestHandler {
  const maxAge = freshMaxAge(options, 'requireFresh()');
  return function requireFresh(req, res, next) {
    proceedOrSend(res, next, requireFreshResponse(req.sessions, maxAge));
  };
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` sent from another site with `403` JSON
 * `{ "error": "cross_site_request" }`. For the app's own state-changing routes, sign-in and
 * sign-out first: they carry no session, so `SameSite` cannot protect them.
 *
 * @returns The middleware, for `app.use()` or a route.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION`, to the error handlers, without {@link sessionMiddleware} before it.
 */
export function requireSameOrigin(): RequestHandler {
  return function requireSameOrigin(req, res, next) {
    proceedOrSend(res, next, requireSameOriginResponse(req.sessions));
  };
}

/**
 * Answers a `SessionError` `STORE_UNAVAILABLE` thrown by the app's own routes (`signIn()` while
 * the store is down) with the library's `503` instead of a `500`; passes other errors on.
 *
 * @returns The error handler, for `app.use()` after the routes, before the app's own.
 */
export function sessionErrorHandler(): ErrorRequestHandler {
  return function sessionErrorHandler(error: unknown, req, res, next) {
    const response = res.headersSent ? undefined : errorResponse(error, httpRequest(req), req.sessions);
    if (response === undefined) next(error);
    else send(res, response);
  };
}

/**
 * The JSON session routes under `prefix` (list, revoke one, sign out, sign out others, sign out
 * everywhere); other requests pass through. Mount after {@link sessionMiddleware}, at the root.
 *
 * @param sessions - The manager given to {@link sessionMiddleware}.
 * @param options - `prefix`. @default "/sessions"
 * @returns The middleware, for `app.use()`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): RequestHandler {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(req, res, next) {
    const response = await routes.respond(req.sessions);
    if (response === undefined) next();
    else send(res, response);
  };
}
