import { isSessionError, SessionError } from '../errors.js';
import type { SessionManager } from '../manager/api.js';
import { sessionCookieFor } from './cookies.js';
import { fetchSite } from './cross-site.js';
import { readCredential } from './credentials.js';
import { resolveHttpOptions, type SessionHttpOptions } from './options.js';
import { isHttps } from './proxy.js';
import type { HttpRequest } from './request.js';
import { isStreamRequest } from './live-events.js';
import { report } from './report.js';
import { BoundSessions, SIGNED_OUT, writeSessionCookie, type RequestSessions } from './request-sessions.js';
import type { Authentication } from './request-state.js';
import type { ResponseTarget } from './response.js';

const BEARER = { bearer: true } as const;
const WATCHING = { touch: false } as const;
const NOT_ROTATING = { rotate: false } as const;

const MALFORMED: Authentication = { status: 'anonymous', reason: 'malformed' };

// A navigation another site sent with the `Lax` cookie never rotates: that site could stop it before the answer, leaving the retired cookie to
// read as reuse later. A `None` cookie rides on that site's API calls too, where it rotates as before, or an app called only so never would.
const fromAnotherSite = (request: HttpRequest): boolean => fetchSite(request) === 'cross-site';

/** The HTTP layer bound to one manager and one set of options; see {@link createSessionHttp}. */
export interface SessionHttp {
  /**
   * Reads and checks the request's cookie or Bearer token and returns the request's `sessions` object; cookie changes made later are written on
   * `target`. A store failure does not throw: the object's `status` is `"unavailable"`. A `GET` of the routes' `<prefix>/events` (served the stream
   * whatever it accepts) is validated with `touch: false`: an open Server-Sent Events stream is no use of the session. So is a request
   * with `Upgrade` (a WebSocket), which therefore never rotates the cookie its `101` could not carry. A navigation another site had the browser
   * send (`Sec-Fetch-Site: cross-site`) with a `Lax` cookie is use but never rotates (`rotate: false`): that site could stop it before the new cookie arrives.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when `accessTokens` is on but the manager has no `accessTokens` option.
   */
  attach(request: HttpRequest, target: ResponseTarget): Promise<RequestSessions>;
}

/** Refuses anything that is not a session manager, at startup. */
export function checkManager(manager: unknown, caller: string): asserts manager is SessionManager {
  const candidate = manager as Partial<SessionManager> | null | undefined;
  if (typeof candidate?.validate !== 'function' || typeof candidate.create !== 'function' || typeof candidate.verifyAccessToken !== 'function') {
    throw new SessionError('INVALID_CONFIGURATION', `${caller} must be given the manager returned by createSessionManager() as the first argument.`);
  }
}

/**
 * Creates the framework-neutral HTTP layer every wrapper stands on: `attach` once per request,
 * then the guards ({@link requireSessionResponse}, {@link requireSameOriginResponse}) and the
 * session routes decide what the wrapper sends. A wrapper for another framework translates
 * its request and response to {@link HttpRequest}, {@link ResponseTarget} and {@link HttpResponse}.
 *
 * @param caller - How error messages name the factory (`"sessionMiddleware()"`).
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
 *   // A new array: `res.appendHeader` would push onto an array the app set and shares.
 *   const appendSetCookie = (value: string) => res.setHeader('set-cookie', [...[res.getHeader('set-cookie') ?? []].flat().map(String), value]);
 *   const target = { setHeader: (name: string, value: string) => res.setHeader(name, value), appendSetCookie };
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

/** {@link createSessionHttp} for this package's wrappers: `ownOptions` are named in a typo's message. */
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
  const laxCookie = resolved.cookie.sameSite !== 'None';
  return {
    async attach(request, target) {
      const cookie = isHttps(request, trustProxy) ? httpsCookie : plainCookie;
      const credential = readCredential(request, cookie.name, accessTokens);
      let auth = credential.from === 'none' ? SIGNED_OUT : MALFORMED;
      // Any error is `unavailable`, never anonymous nor authenticated (fail closed); a misconfiguration is thrown.
      if (credential.value !== undefined) {
        try {
          if (credential.type === 'access') {
            const verified = await manager.verifyAccessToken(credential.value);
            auth = verified.ok ? { status: 'authenticated', session: null, claims: verified.claims } : { status: 'anonymous', reason: verified.reason };
          } else {
            // A live stream (with its probes) is no use of the session; an upgrade neither touches nor rotates: its `101` cannot carry the new cookie.
            const watching = (request.method === 'GET' && isStreamRequest(manager, request.url)) || request.header('upgrade') !== undefined;
            const options = credential.from === 'bearer' ? BEARER : watching ? WATCHING : laxCookie && fromAnotherSite(request) ? NOT_ROTATING : undefined;
            const validated = await manager.validate(credential.value, options);
            auth = validated.ok ? { status: 'authenticated', session: validated.session, claims: null, rotatedToken: validated.rotatedToken } : { status: 'anonymous', reason: validated.reason };
          }
        } catch (error) {
          if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') throw error;
          report(onError, error);
          auth = { status: 'unavailable', error };
        }
      }
      const state = { manager, options: resolved, request, target, cookie, credential, auth };
      if (auth.status === 'authenticated' && auth.rotatedToken !== undefined && auth.session !== null) writeSessionCookie(state, auth.rotatedToken, auth.session, caller);
      return new BoundSessions(state);
    },
  };
}
