/**
 * Fastify 5 plugin: translates Fastify's request and reply to `session-revocation/http`,
 * where every decision is taken. No cookie plugin needed.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { sessionErrorHandler, sessionPlugin } from 'session-revocation/fastify';
 * import { safeNextPath } from 'session-revocation/http';
 *
 * const app = Fastify();
 * await app.register(sessionPlugin, { sessions, loginPath: '/login', routes: { prefix: '/sessions' } });
 * app.post('/login', { onRequest: app.requireSameOrigin }, async (request, reply) => {
 *   const user = await checkPassword(request.body);
 *   await request.sessions.signIn({ userId: user.id });
 *   return reply.redirect(safeNextPath(request.query.next, '/'), 303);
 * });
 * app.get('/dashboard', { preHandler: app.requireSession }, async (request) => `Hello ${request.sessions.userId}`);
 * app.setErrorHandler(sessionErrorHandler()); // a store outage in a handler is a 503, not a 500
 * ```
 *
 * @module session-revocation/fastify
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestAsyncHookHandler, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { SessionError } from '../../src/errors.js';
import type { SessionManager } from '../../src/manager/api.js';
import { NodeRequest } from '../../src/http/request.js';
import { createSessionHttpLayer } from '../../src/http/session-http.js';
import { asError, createSessionRoutes, errorResponse, freshMaxAge, requireFreshResponse, requireSameOriginResponse, requireSessionResponse, streamToNode, writeHeaders } from '../../src/http/index.js';
import type { HttpResponse, RequestSessions, RequireFreshOptions, ResponseTarget, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's session and the actions bound to it, set by `sessionPlugin`. */
    sessions: RequestSessions;
  }
  interface FastifyInstance {
    /** A preHandler that lets signed-in requests through and answers the others (303, 401, 503). */
    requireSession: preHandlerHookHandler;
    /** A hook answering `403` to an unsafe method sent from another site; as `onRequest` it runs before the body is parsed. */
    requireSameOrigin: preHandlerAsyncHookHandler;
    /** A preHandler passing sessions fresh within the route's `config.requireFresh.maxAge` (else `freshAge`); others get `303` or `403`. */
    requireFresh: preHandlerAsyncHookHandler;
  }
  interface FastifyContextConfig {
    /** `maxAge` (ms) for `fastify.requireFresh` on this route. */
    requireFresh?: RequireFreshOptions;
  }
}
export type { RequestSessions, RequireFreshOptions, SessionHttpOptions, SessionRoutesOptions } from '../../src/http/index.js';

/** Options of {@link sessionPlugin}. */
export interface SessionPluginOptions extends SessionHttpOptions {
  /** The manager from `createSessionManager()`. */
  readonly sessions: SessionManager;
  /** Mounts the JSON session routes. @default off */
  readonly routes?: SessionRoutesOptions;
}

class ReplyTarget implements ResponseTarget {
  constructor(private readonly reply: FastifyReply) {}

  setHeader(name: string, value: string): void {
    this.reply.header(name, value);
  }

  // A new array: Fastify before 5.12.7 pushes into the one it holds, maybe the app's constant, and the cookie would reach later visitors.
  appendSetCookie(value: string): void {
    const held = this.reply.getHeader('set-cookie');
    if (held === undefined) return void this.reply.header('set-cookie', value);
    this.reply.removeHeader('set-cookie');
    this.reply.header('set-cookie', [...(Array.isArray(held) ? held : [String(held)]), value]);
  }

  // Not `reply.sent`: it is true from `reply.hijack()` on, while an app that then copies `reply.getHeaders()` onto `reply.raw` still sends the cookie.
  get headersSent(): boolean {
    return this.reply.raw.headersSent;
  }
}

function send(reply: FastifyReply, response: HttpResponse): FastifyReply {
  writeHeaders(response, new ReplyTarget(reply));
  if (response.stream === undefined) return reply.code(response.status).send(response.body === '' ? undefined : response.body);
  // Fastify would end a response it sends itself: the stream writes on the raw one.
  reply.hijack();
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
  reply.raw.statusCode = response.status;
  streamToNode(response.stream, reply.raw);
  return reply;
}

// A hook that answers does not call `done`; an async one returns the reply, so Fastify waits for it instead of running the handler.
function sessionGuard(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const denied = requireSessionResponse(request.sessions);
  if (denied === undefined) done();
  else send(reply, denied);
}

// What an async hook returns: the reply it sent, or nothing to go on.
const answer = (reply: FastifyReply, denied: HttpResponse | undefined): FastifyReply | undefined => (denied === undefined ? undefined : send(reply, denied));

const requireFreshOfRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> =>
  answer(reply, requireFreshResponse(request.sessions, request.routeOptions.config.requireFresh?.maxAge));

/**
 * A preHandler like `fastify.requireFresh` with its own `maxAge`.
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a `maxAge` that is not a whole number of ms >= 1.
 */
export function requireFresh(options?: RequireFreshOptions): preHandlerAsyncHookHandler {
  const maxAge = freshMaxAge(options, 'requireFresh()');
  return async function requireFresh(request, reply) {
    return answer(reply, requireFreshResponse(request.sessions, maxAge));
  };
}

const sameOriginGuard = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => answer(reply, requireSameOriginResponse(request.sessions));

/** `fastify.requireSession` as an import: it exists before `register` has loaded the plugin (a decorator read too early is `undefined`, and Fastify drops the hook). */
export const requireSession = (): preHandlerHookHandler => sessionGuard;

/** `fastify.requireSameOrigin` as an import, for `onRequest` or `preHandler`; it exists before the plugin has loaded. */
export const requireSameOrigin = (): preHandlerAsyncHookHandler => sameOriginGuard;

// Options Fastify itself reads at `register` (not the plugin's): left out of the check.
const REGISTER_OPTIONS = new Set(['logLevel', 'logSerializers']);

const plugin: FastifyPluginAsync<SessionPluginOptions> = async (fastify, { sessions, routes, ...rest }) => {
  // The plugin is not encapsulated: Fastify would ignore a register prefix.
  if ('prefix' in rest) {
    throw new SessionError('INVALID_CONFIGURATION', 'sessionPlugin applies to the whole app and takes no register prefix: for the session routes use routes: { prefix }.');
  }
  const options = Object.fromEntries(Object.entries(rest).filter(([key]) => !REGISTER_OPTIONS.has(key)));
  const http = createSessionHttpLayer(sessions, options, 'sessionPlugin', ['sessions', 'routes']);
  fastify.decorateRequest('sessions', null as unknown as RequestSessions);
  // A callback hook: Fastify wraps no promise of its own around the attach.
  fastify.addHook('onRequest', function attachSessions(request, reply, done) {
    http.attach(new NodeRequest(request.raw), new ReplyTarget(reply)).then((attached) => {
      request.sessions = attached;
      done();
    }, done);
  });
  fastify.decorate('requireSession', sessionGuard);
  fastify.decorate('requireSameOrigin', sameOriginGuard);
  fastify.decorate('requireFresh', requireFreshOfRoute);
  // A route's requireFresh config is checked when the route is added, not on its first request.
  fastify.addHook('onRoute', function checkRequireFresh(route) {
    const config = route.config as { requireFresh?: RequireFreshOptions } | undefined;
    if (config?.requireFresh !== undefined) freshMaxAge(config.requireFresh, `config.requireFresh of ${route.method} ${route.url}`);
  });
  if (routes === undefined) return;
  const sessionRoutes = createSessionRoutes(sessions, routes);
  // Before the server waits for open connections: a page's live sign-out stream would hold app.close() (and its onClose hooks) for good.
  fastify.addHook('preClose', function closeSessionStreams(done) {
    sessionRoutes.closeStreams();
    done();
  });
  // Answered in onRequest, before any body parser can turn a cross-site form post, or a path no route serves, into a 415.
  const onRequest: onRequestAsyncHookHandler = async function answerSessionRoutes(request, reply) {
    const response = await sessionRoutes.respond(request.sessions);
    return response === undefined ? reply.callNotFound() : send(reply, response);
  };
  // Every method, so the 405s come from the routes as in the other frameworks.
  for (const url of [sessionRoutes.prefix, `${sessionRoutes.prefix}/*`]) {
    fastify.all(url, { onRequest }, function sessionRouteNotFound(_request, reply) {
      return reply.callNotFound();
    });
  }
};

/**
 * Attaches `request.sessions`, decorates `requireSession`, `requireSameOrigin` and `requireFresh`, and mounts the `routes`; app-wide.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for options that contradict themselves.
 */
export const sessionPlugin = fp(plugin, { fastify: '5.x', name: 'session-revocation' });

/**
 * For the app's `setErrorHandler` (the plugin installs none): answers a `STORE_UNAVAILABLE` with the library's `503`, not a `500`.
 * @returns `true` when it sent the `503`; `false` for any other error, left to the app.
 */
export function replyToSessionError(error: unknown, request: FastifyRequest, reply: FastifyReply): boolean {
  const response = reply.sent ? undefined : errorResponse(error, new NodeRequest(request.raw), request.sessions);
  if (response === undefined) return false;
  send(reply, response);
  return true;
}

/** A Fastify error handler: `STORE_UNAVAILABLE` becomes the library's `503`; any other error goes to `fallback`, else Fastify's default. */
export function sessionErrorHandler(fallback?: (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown): (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown {
  return function sessionErrorHandler(error, request, reply) {
    if (replyToSessionError(error, request, reply)) return reply;
    if (fallback !== undefined) return fallback(error, request, reply);
    // Fastify sends a non-Error thrown by an error handler as a 200 payload.
    throw asError(error);
  };
}
