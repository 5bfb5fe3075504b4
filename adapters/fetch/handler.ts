import type { SessionManager } from '../../src/manager/api.js';
import { createSessionHttp, errorResponse, fromFetchRequest, type FetchRequestInfo, type RequestSessions, type SessionHttpOptions } from '../../src/http/index.js';
import { callable, invalidConfiguration } from '../../src/option-checks.js';
import { pendingHeaders, toResponse } from './response.js';

// A WeakMap, since a `Request` cannot carry a property as `req.sessions` does.
const attached = new WeakMap<Request, RequestSessions>();

/** The `sessions` object the handler attached to `request`, if it ran. */
export function sessionsOf(request: Request): RequestSessions | undefined {
  return attached.get(request);
}

/**
 * An app's handler under {@link sessionHandler}: the runtime's arguments with `sessions` second.
 * @typeParam Args - What the runtime passes after the request (`[server]` in Bun, `[info]` in Deno).
 * @typeParam R - The runtime's request type.
 */
export type HandlerWithSessions<Args extends unknown[], R extends Request = Request> = (
  request: R,
  sessions: RequestSessions,
  ...args: Args
) => Response | Promise<Response>;

/** The client's address and whether the connection is TLS, which only the runtime can tell. */
export type ConnectionInfo<Args extends unknown[], R extends Request = Request> = (request: R, ...args: Args) => FetchRequestInfo;

/** A Fetch handler with the runtime's own signature. */
export type FetchHandler<Args extends unknown[], R extends Request = Request> = (request: R, ...args: Args) => Promise<Response>;

/** Wraps one handler; see {@link sessionHandler}. */
export interface WithSessions {
  /** @param handler - The app's handler, given the request's `sessions` object second. */
  <Args extends unknown[], R extends Request = Request>(handler: HandlerWithSessions<Args, R>): FetchHandler<Args, R>;
  /**
   * @param handler - The app's handler, given the request's `sessions` object second.
   * @param connectionInfo - The client's address (and TLS) from the runtime's arguments.
   */
  <Args extends unknown[], R extends Request = Request>(handler: NoInfer<HandlerWithSessions<Args, R>>, connectionInfo: ConnectionInfo<Args, R>): FetchHandler<Args, R>;
}

/**
 * Creates the session wrapper for Fetch handlers: the handler gets the request's `sessions` second, its cookies go on
 * the returned `Response`, and a `STORE_UNAVAILABLE` it throws becomes the library's `503`.
 * @returns `withSessions(handler, connectionInfo?)`, which wraps one handler.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option or options that contradict themselves.
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
      attached.set(request, requestSessions);
      let response: Response;
      try {
        response = await handler(request, requestSessions, ...args);
      } catch (error) {
        const unavailable = errorResponse(error, httpRequest, requestSessions);
        if (unavailable === undefined) {
          pending.handedOn();
          throw error;
        }
        response = toResponse(unavailable);
      }
      return pending.applyTo(response);
    };
  };
}
