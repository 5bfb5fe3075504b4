import type { SessionManager } from '../../src/manager/api.js';
import {
  createSessionRoutes,
  freshMaxAge,
  requireFreshResponse,
  requireSameOriginResponse,
  requireSessionResponse,
  type RequireFreshOptions,
  type SessionRoutesOptions,
} from '../../src/http/index.js';
import { sessionsOf } from './attached.js';
import { toResponse } from './response.js';

/**
 * Lets a signed-in request go on (`undefined`); answers the others: a relative `303` to the
 * login page for a page navigation (a page load or a form post), `401` JSON otherwise, `503`
 * when the store is unavailable.
 *
 * @param request - A request inside a handler wrapped by `withSessions` (see {@link sessionHandler}).
 * @returns The refusal to return, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not see.
 *
 * @example
 * ```ts
 * export const GET = withSessions((request, sessions) => requireSession(request) ?? Response.json({ userId: sessions.userId }));
 * ```
 */
export function requireSession(request: Request): Response | undefined {
  const denied = requireSessionResponse(sessionsOf(request));
  return denied && toResponse(denied);
}

/**
 * Lets a request go on (`undefined`) when its session proved who it is recently (signed in or
 * re-authenticated within `maxAge`); answers the others: what {@link requireSession} answers
 * without a session, else a relative `303` to the `reauthPath` option
 * (`/login?reauth=1&next=…`) for a page navigation, `403` JSON
 * `{ "error": "reauthentication_required" }` otherwise. For sensitive actions: changing the
 * email or password, ending other sessions, deleting the account.
 *
 * @param request - A request inside a handler wrapped by `withSessions` (see {@link sessionHandler}).
 * @param options - `maxAge` in ms. @default the manager's `freshAge` (10 minutes)
 * @returns The refusal to return, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not
 * see, or a `maxAge` that is not a whole number of ms >= 1.
 *
 * @example
 * ```ts
 * export const POST = withSessions(async (request, sessions) => requireFresh(request) ?? changeEmail(request, sessions));
 * ```
 */
export function requireFresh(request: Request, options?: RequireFreshOptions): Response | undefined {
  const denied = requireFreshResponse(sessionsOf(request), freshMaxAge(options, 'requireFresh()'));
  return denied && toResponse(denied);
}

/**
 * Refuses a `POST`, `PUT`, `PATCH` or `DELETE` sent from another site with `403` JSON
 * `{ "error": "cross_site_request" }`; lets other requests go on (`undefined`). For the app's
 * own state-changing routes, sign-in and sign-out first: they carry no session, so `SameSite`
 * cannot protect them.
 *
 * @param request - A request inside a handler wrapped by `withSessions` (see {@link sessionHandler}).
 * @returns The refusal to return, or `undefined`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a request the wrapper did not see.
 */
export function requireSameOrigin(request: Request): Response | undefined {
  const denied = requireSameOriginResponse(sessionsOf(request));
  return denied && toResponse(denied);
}

/** Answers a request to the session routes, or `undefined` for any other request; see {@link sessionRoutes}. */
export type SessionRoutesHandler = (request: Request) => Promise<Response | undefined>;

/**
 * The JSON session routes under `prefix`: `GET /` list, `DELETE /:id` revoke one,
 * `POST /sign-out`, `POST /sign-out-others`, `POST /sign-out-everywhere`. Each needs a
 * session; state-changing ones refuse cross-site requests. A request for another path gets
 * `undefined`, for the app to answer.
 *
 * @param sessions - The manager given to {@link sessionHandler}.
 * @param options - `prefix`, the full path from the site's root. @default "/sessions"
 * @returns The routes, for a request inside a handler wrapped by `withSessions`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a prefix that is not a path.
 *
 * @example
 * ```ts
 * // Next.js: app/api/sessions/[[...path]]/route.ts
 * const routes = sessionRoutes(sessions, { prefix: '/api/sessions' });
 * const handle = withSessions(async (request) => (await routes(request)) ?? Response.json({ error: 'not_found' }, { status: 404 }));
 * export { handle as GET, handle as POST, handle as DELETE };
 * ```
 */
export function sessionRoutes(sessions: SessionManager, options: SessionRoutesOptions = {}): SessionRoutesHandler {
  const routes = createSessionRoutes(sessions, options);
  return async function sessionRoutes(request) {
    const response = await routes.respond(sessionsOf(request));
    return response && toResponse(response);
  };
}
