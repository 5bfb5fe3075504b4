import type { SessionManager } from '../../src/manager/api.js';
import { createSessionHttp, errorResponse, fromFetchRequest, type FetchRequestInfo, type RequestSessions, type SessionHttpOptions } from '../../src/http/index.js';
import { callable, invalidConfiguration } from '../../src/option-checks.js';
import { attach } from './attached.js';
import { pendingHeaders, toResponse } from './response.js';

/**
 * An app's handler under {@link sessionHandler}: the runtime's arguments with the request's
 * `sessions` object second.
 *
 * @typeParam Args - What the runtime passes after the request: nothing in a Next.js route
 * handler that ignores its context, `[server]` in Bun, `[info]` in Deno.
 * @typeParam R - The runtime's request type: `NextRequest` in Next.js middleware.
 */
export type HandlerWithSessions<Args extends unknown[], R extends Request = Request> = (
  request: R,
  sessions: RequestSessions,
  ...args: Args
) => Response | Promise<Response>;

/**
 * What the runtime knows of the connection, for the handler: the client's address and whether
 * the connection is TLS. A `Request` has no socket, so only the caller can tell.
 *
 * @typeParam Args - What the runtime passes after the request.
 * @typeParam R - The runtime's request type.
 */
export type ConnectionInfo<Args extends unknown[], R extends Request = Request> = (request: R, ...args: Args) => FetchRequestInfo;

/**
 * A Fetch handler with the runtime's own signature: `(request, ...args) => Promise<Response>`.
 *
 * @typeParam Args - What the runtime passes after the request.
 * @typeParam R - The runtime's request type.
 */
export type FetchHandler<Args extends unknown[], R extends Request = Request> = (request: R, ...args: Args) => Promise<Response>;

/**
 * Wraps one handler; see {@link sessionHandler}. The wrapped handler has the runtime's
 * signature: its arguments after the request are taken from `connectionInfo` when given (Bun's
 * `server`, Deno's `info`), else from the handler.
 */
export interface WithSessions {
  /**
   * @param handler - The app's handler, given the request's `sessions` object second.
   * @returns The handler for the runtime.
   */
  <Args extends unknown[], R extends Request = Request>(handler: HandlerWithSessions<Args, R>): FetchHandler<Args, R>;
  /**
   * @param handler - The app's handler, given the request's `sessions` object second.
   * @param connectionInfo - The client's address (and TLS) from the runtime's arguments:
   * `(request, server) => ({ remoteAddress: server.requestIP(request)?.address })` in Bun,
   * `(request, info) => ({ remoteAddress: info.remoteAddr.hostname })` in Deno. Without it the
   * IP stored with a session is only what `X-Forwarded-For` says, with `trustProxy`.
   * @returns The handler for the runtime.
   */
  <Args extends unknown[], R extends Request = Request>(handler: NoInfer<HandlerWithSessions<Args, R>>, connectionInfo: ConnectionInfo<Args, R>): FetchHandler<Args, R>;
}

/**
 * Creates the session wrapper for any runtime whose handlers take a Web `Request` and return a
 * `Response`: Next.js route handlers and middleware, Bun, Deno, Cloudflare-style `fetch`
 * exports. The wrapped handler reads the session cookie (or `Authorization: Bearer`) of every
 * request and receives the request's `sessions` object; cookies that `signIn()`, `signOut()`...
 * set are copied onto the `Response` it returns. It never refuses a request itself: call
 * {@link requireSession} where a session is needed. A `SessionError` `STORE_UNAVAILABLE` the
 * handler throws (its login calling `signIn()` while the store is down) is answered with the
 * library's `503` (`Retry-After`, cookie kept) instead of a `500`; other errors are rethrown.
 *
 * @param sessions - The manager from `createSessionManager()`.
 * @param options - Login path, cookie, proxy and access-token options, checked here, once.
 * @returns `withSessions(handler, connectionInfo?)`, which wraps one handler.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option or options that
 * contradict themselves.
 *
 * @example
 * ```ts
 * // Next.js: app/api/me/route.ts
 * import { requireSession } from 'session-revocation/fetch';
 * import { withSessions } from '@/lib/sessions'; // = sessionHandler(sessions, { loginPath: '/login' })
 *
 * export const GET = withSessions((request, sessions) => requireSession(request) ?? Response.json({ userId: sessions.userId }));
 * ```
 */
export function sessionHandler(sessions: SessionManager, options: SessionHttpOptions = {}): WithSessions {
  const http = createSessionHttp(sessions, options, 'sessionHandler()');
  return function withSessions<Args extends unknown[], R extends Request>(handler: HandlerWithSessions<Args, R>, connectionInfo?: ConnectionInfo<Args, R>): FetchHandler<Args, R> {
    if (typeof handler !== 'function') throw invalidConfiguration('withSessions() needs the handler to wrap, a function.');
    callable('withSessions() connectionInfo', connectionInfo, undefined);
    return async function handleWithSessions(request, ...args) {
      const httpRequest = fromFetchRequest(request, connectionInfo?.(request, ...args));
      const pending = pendingHeaders();
      const requestSessions = await http.attach(httpRequest, pending);
      attach(request, requestSessions);
      let response: Response;
      try {
        response = await handler(request, requestSessions, ...args);
      } catch (error) {
        const unavailable = errorResponse(error, httpRequest, requestSessions);
        if (unavailable === undefined) throw error;
        response = toResponse(unavailable);
      }
      return pending.applyTo(response);
    };
  };
}
