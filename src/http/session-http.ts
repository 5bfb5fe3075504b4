import { SessionError } from '../errors.js';
import type { SessionManager } from '../manager/api.js';
import { authenticate } from './authenticate.js';
import { serializeSessionCookie, sessionCookieFor } from './cookies.js';
import { readCredential } from './credentials.js';
import { resolveHttpOptions, type SessionHttpOptions } from './options.js';
import { isHttps } from './proxy.js';
import type { HttpRequest } from './request.js';
import { createRequestSessions, type RequestSessions } from './request-sessions.js';
import type { RequestState } from './request-state.js';
import { NO_STORE, type ResponseTarget } from './response.js';
import type { Session } from '../session.js';

/** The HTTP layer bound to one manager and one set of options; see {@link createSessionHttp}. */
export interface SessionHttp {
  /**
   * Reads the request's cookie or Bearer token, checks it, and returns the object to attach
   * to the request. A store failure does not throw: the object's `status` is `"unavailable"`.
   * @param request - The request accessor.
   * @param target - Where cookie changes made later (sign-in, sign-out) are written.
   * @returns The request's `sessions` object.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when `accessTokens` is on but the
   * manager has no `accessTokens` option.
   */
  attach(request: HttpRequest, target: ResponseTarget): Promise<RequestSessions>;
}

/** Refuses anything that is not a session manager, at startup. */
export function checkManager(manager: unknown, caller: string): asserts manager is SessionManager {
  const candidate = manager as Partial<SessionManager> | null | undefined;
  if (typeof candidate?.validate !== 'function' || typeof candidate.create !== 'function' || typeof candidate.verifyAccessToken !== 'function') {
    throw new SessionError('INVALID_CONFIGURATION', `${caller} needs the manager returned by createSessionManager() as its first argument.`);
  }
}

/**
 * Creates the framework-neutral HTTP layer every wrapper stands on: one call per request to
 * `attach` (request), then the guards ({@link requireSessionResponse},
 * {@link requireSameOriginResponse}) and the session routes decide (decide) what the wrapper
 * sends (respond).
 * A wrapper for another framework is a translation of its request and response to
 * {@link HttpRequest}, {@link ResponseTarget} and {@link HttpResponse}.
 *
 * @param manager - From `createSessionManager()`.
 * @param options - Login path, cookie, proxy and access-token options.
 * @param caller - How error messages name the factory (`"sessionMiddleware()"`).
 * @returns The layer.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a configuration that contradicts
 * itself (a `__Host-` cookie name with a `domain` or `secure: false`, `sameSite: "none"`
 * without `secure: true`, a `loginPath` that is not a same-origin path...).
 *
 * @example
 * ```ts
 * import { createSessionHttp, fromNodeRequest, requireSessionResponse, writeHeaders } from 'session-revocation/http';
 *
 * const http = createSessionHttp(sessions, { loginPath: '/login' });
 * server.on('request', async (req, res) => {
 *   const target = { setHeader: (n, v) => res.setHeader(n, v), appendSetCookie: (v) => res.appendHeader('set-cookie', v) };
 *   const requestSessions = await http.attach(fromNodeRequest(req), target);
 *   const denied = requireSessionResponse(requestSessions);
 *   if (denied) {
 *     writeHeaders(denied, target);
 *     res.writeHead(denied.status).end(denied.body);
 *     return;
 *   }
 *   res.end(`Hello ${requestSessions.userId}`);
 * });
 * ```
 */
export function createSessionHttp(manager: SessionManager, options: SessionHttpOptions = {}, caller = 'The session middleware'): SessionHttp {
  return createSessionHttpLayer(manager, options, caller);
}

/**
 * {@link createSessionHttp}, for the wrappers of this package: `ownOptions` names the wrapper's
 * own options, taken out of `options` before, for the message of a typo.
 */
export function createSessionHttpLayer(manager: SessionManager, options: SessionHttpOptions, caller: string, ownOptions: readonly string[] = []): SessionHttp {
  checkManager(manager, caller);
  const resolved = resolveHttpOptions(options, caller, ownOptions);
  if (resolved.accessTokens && !manager.accessTokensEnabled) {
    throw new SessionError('INVALID_CONFIGURATION', "accessTokens: true needs a manager created with the accessTokens option.");
  }
  // The two cookies a request can use, decided once: only the request's scheme picks one.
  const plainCookie = sessionCookieFor(resolved, false);
  const httpsCookie = sessionCookieFor(resolved, true);
  const { trustProxy, accessTokens, onError } = resolved;
  return {
    async attach(request, target) {
      const cookie = isHttps(request, trustProxy) ? httpsCookie : plainCookie;
      const credential = readCredential(request, cookie.name, accessTokens);
      const auth = await authenticate(manager, credential, onError);
      const state = { manager, options: resolved, request, target, cookie, credential, auth };
      // A rotated secret goes back the way the token came: a Bearer holder is never rotated a cookie.
      if (auth.status === 'authenticated' && auth.rotatedToken !== undefined && auth.session !== null && credential.from === 'cookie') {
        writeRotatedCookie(state, auth.rotatedToken, auth.session);
      }
      return createRequestSessions(state);
    },
  };
}

/**
 * Writes a rotated token as the session cookie: the sign-in cookie's name and attributes, and
 * a lifetime counted from the rotation as the sign-in's is from the sign-in, so every request
 * inside the grace writes the same `Set-Cookie`.
 */
function writeRotatedCookie({ cookie, options, target }: RequestState, token: string, session: Session): void {
  const maxAge = session.persistent === false ? undefined : (session.expiresAt - (session.rotatedAt ?? session.createdAt)) / 1000;
  target.appendSetCookie(serializeSessionCookie(cookie.name, token, maxAge, cookie.secure, options.cookie));
  target.setHeader('cache-control', NO_STORE);
}
