import type { SessionManager } from '../../src/manager/api.js';
import { createSessionRoutes, freshMaxAge, requireFreshResponse, requireSameOriginResponse, requireSessionResponse } from '../../src/http/index.js';
import type { HttpResponse, RequireFreshOptions, SessionRoutesOptions } from '../../src/http/index.js';
import { sessionsOf } from './handler.js';
import { toResponse } from './response.js';

const answer = (decided: HttpResponse | undefined, signal?: AbortSignal): Response | undefined => decided && toResponse(decided, signal);

/**
 * Lets a signed-in request go on (`undefined`); answers the others `303` to the login page (a page navigation), `401` JSON, or `503`.
 * @param request - A request inside a handler wrapped by `withSessions` (see {@link sessionHandler}).
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not see.
 */
export function requireSession(request: Request): Response | undefined {
  return answer(requireSessionResponse(sessionsOf(request)));
}

/**
 * Lets a session that signed in or re-authenticated within `maxAge` go on (`undefined`); others get `303` to `reauthPath` or `403`.
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not see, or a bad `maxAge`.
 */
export function requireFresh(request: Request, options?: RequireFreshOptions): Response | undefined {
  return answer(requireFreshResponse(sessionsOf(request), freshMaxAge(options, 'requireFresh()')));
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` from another site with `403`, else `undefined`; sign-in and sign-out need it most.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not see.
 */
export function requireSameOrigin(request: Request): Response | undefined {
  return answer(requireSameOriginResponse(sessionsOf(request)));
}

/** Answers a request to the session routes, or `undefined` for any other request; see {@link sessionRoutes}. */
export type SessionRoutesHandler = (request: Request) => Promise<Response | undefined>;

/**
 * The JSON session routes under `prefix`; a request for another path gets `undefined`, for the app to answer.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): SessionRoutesHandler {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(request) {
    return answer(await routes.respond(sessionsOf(request)), request.signal);
  };
}
