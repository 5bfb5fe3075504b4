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
import { NodeRequest } from '../../src/http/request.js';
import { createSessionHttpLayer } from '../../src/http/session-http.js';
import { createSessionRoutes, errorResponse, freshMaxAge, requireFreshResponse, requireSameOriginResponse, requireSessionResponse, streamToNode, writeHeaders } from '../../src/http/index.js';
import type { HttpResponse, RequestSessions, RequireFreshOptions, ResponseTarget, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

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

// Methods on the prototype: no closures per request.
class ResTarget implements ResponseTarget {
  constructor(private readonly res: Response) {}

  setHeader(name: string, value: string): void {
    this.res.setHeader(name, value);
  }

  appendSetCookie(value: string): void {
    this.res.append('Set-Cookie', value);
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }
}

// `originalUrl`: a mounted router cuts `req.url` down; `req` holds what a body parser made of the body.
const httpRequest = (req: Request) => new NodeRequest(req, req.originalUrl, req);

function send(res: Response, response: HttpResponse): void {
  writeHeaders(response, new ResTarget(res));
  if (response.stream !== undefined) streamToNode(response.stream, res.status(response.status));
  else res.status(response.status).end(response.body);
}

const proceedOrSend = (res: Response, next: () => void, denied: HttpResponse | undefined): void => (denied === undefined ? next() : send(res, denied));

/**
 * Attaches `req.sessions` from the session cookie or `Authorization: Bearer`; never refuses a request itself. Mount it early.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for options that contradict themselves.
 */
export function sessionMiddleware(sessions: SessionManager, options: SessionHttpOptions = {}): RequestHandler {
  const http = createSessionHttpLayer(sessions, options, 'sessionMiddleware()');
  // Only a misconfiguration fails here (an outage is an answer): next(error).
  return function sessionMiddleware(req, res, next) {
    http.attach(httpRequest(req), new ResTarget(res)).then((sessions) => {
      req.sessions = sessions;
      next();
    }, next);
  };
}

/**
 * Lets signed-in requests through; answers the others `303` to the login page (a page navigation), `401` JSON, or `503`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION`, to the error handlers, without {@link sessionMiddleware} before it.
 */
export function requireSession(): RequestHandler {
  return function requireSession(req, res, next) {
    proceedOrSend(res, next, requireSessionResponse(req.sessions));
  };
}

/**
 * Lets a session that signed in or re-authenticated within `maxAge` through; others get `303` to `reauthPath` (a page) or `403`.
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a bad `maxAge` (at once), or without {@link sessionMiddleware} before it.
 */
export function requireFresh(options?: RequireFreshOptions): RequestHandler {
  const maxAge = freshMaxAge(options, 'requireFresh()');
  return function requireFresh(req, res, next) {
    proceedOrSend(res, next, requireFreshResponse(req.sessions, maxAge));
  };
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` from another site with `403`: sign-in and sign-out need it most, having no session.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION`, to the error handlers, without {@link sessionMiddleware} before it.
 */
export function requireSameOrigin(): RequestHandler {
  return function requireSameOrigin(req, res, next) {
    proceedOrSend(res, next, requireSameOriginResponse(req.sessions));
  };
}

/** Answers a `STORE_UNAVAILABLE` thrown by the app's routes with the library's `503`, not a `500`; mount it after the routes. */
export function sessionErrorHandler(): ErrorRequestHandler {
  return function sessionErrorHandler(error: unknown, req, res, next) {
    proceedOrSend(res, () => next(error), res.headersSent ? undefined : errorResponse(error, httpRequest(req), req.sessions));
  };
}

/**
 * The JSON session routes under `prefix`; other requests pass through. Mount after {@link sessionMiddleware}, at the root.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): RequestHandler {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(req, res, next) {
    proceedOrSend(res, next, await routes.respond(req.sessions));
  };
}
