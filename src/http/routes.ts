import { SessionError } from '../errors.js';
import type { SessionManager } from '../manager/api.js';
import { isSessionId } from '../token.js';
import { isCrossSiteRequest, isCrossSiteWrite } from './cross-site.js';
import { requestStateOf, requireSessionResponse } from './guards.js';
import { isFreshRequest } from './freshness.js';
import { LiveEventsHub } from './live-events.js';
import { notMePage } from './not-me-page.js';
import { backchannelLogoutRoute } from './backchannel-logout.js';
import { createGlobalTokenRevocationRoute } from './global-token-revocation.js';
import { createSecurityEventsRoute } from './security-events.js';
import { browserView } from './browser-view.js';
import type { ResolvedHttpOptions, SessionRoutesOptions } from './options.js';
import { resolveRoutesOptions } from './routes-options.js';
import { report } from './report.js';
import { requestPath, type HttpRequest } from './request.js';
import type { RequestSessions } from './request-sessions.js';
import { crossSiteResponse, emptyResponse, reauthenticationResponse, jsonResponse, methodNotAllowedResponse, notFoundResponse, unavailableResponse, type HttpResponse } from './response.js';
import { checkManager } from './session-http.js';
import { sharedRequireFresh } from './shared-fresh.js';

/** The built-in JSON session routes; see {@link createSessionRoutes}. */
export interface SessionRoutes {
  /** The checked prefix, without a trailing slash: `"/sessions"`. */
  readonly prefix: string;
  /**
   * Answers a request to the session routes, or `undefined` for any other request.
   * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when the session middleware of the same manager did not run before.
   */
  respond(sessions: RequestSessions | undefined): Promise<HttpResponse | undefined>;
  /** Ends the open live sign-out streams, and those opened after (their pages reconnect): a server closing waits for open connections, and a stream never ends by itself. */
  closeStreams(): void;
}

interface Route {
  readonly methods: readonly string[];
  /** Whether this request ends sessions other than its own (the `requireFresh` option applies). */
  endsOthers?(sessions: RequestSessions, segment: string): boolean;
  /** `fresh`: whether the session may end other devices (always, without `requireFresh`). */
  run(sessions: RequestSessions, request: HttpRequest, segment: string, fresh: boolean): Promise<HttpResponse>;
}

const list: Route = {
  methods: ['GET', 'HEAD'],
  run: async (sessions) => jsonResponse(200, (await sessions.list()).map(browserView)),
};
// Signing this device out never needs a fresh session (a stale one must still leave a shared computer); the global-logout policy ends the other devices only from a fresh one.
const signOut: Route = {
  methods: ['POST'],
  run: async (sessions, _request, _segment, fresh) => jsonResponse(200, await sessions.signOut({ thisDeviceOnly: !fresh })),
};
const signOutOthers: Route = {
  methods: ['POST'],
  endsOthers: () => true,
  run: async (sessions) => jsonResponse(200, { revoked: (await sessions.signOutOthers()).revokedIds.length }),
};
const signOutEverywhere: Route = {
  methods: ['POST'],
  endsOthers: () => true,
  run: async (sessions) => {
    await sessions.signOutEverywhere();
    return emptyResponse(204);
  },
};
const ownId = (sessions: RequestSessions): string | undefined => sessions.current?.id ?? sessions.accessToken?.sid;
// Own sessions only; an id of the wrong shape, unknown, or someone else's: the same 404.
const revokeOne: Route = {
  methods: ['DELETE'],
  // Ending this very session is a sign-out (the global-logout policy included), which never needs a fresh session.
  endsOthers: (sessions, segment) => segment !== ownId(sessions),
  run: async (sessions, request, segment, fresh) => {
    if (segment !== ownId(sessions)) return isSessionId(segment) && (await sessions.revoke(segment)) ? emptyResponse(204) : notFoundResponse();
    await signOut.run(sessions, request, segment, fresh);
    return emptyResponse(204);
  },
};
const NAMED: ReadonlyMap<string, Route> = new Map([['sign-out', signOut], ['sign-out-others', signOutOthers], ['sign-out-everywhere', signOutEverywhere]]);

/** The route of the path below the prefix (`""`, `"/"`, `"/sign-out"`, `"/<id>"`), if any. */
function routeOf(rest: string, events: Route | undefined): { readonly route: Route; readonly segment: string } | undefined {
  if (rest === '' || rest === '/') return { route: list, segment: '' };
  const segment = rest.slice(1);
  if (segment.includes('/')) return undefined;
  // Not configured here: left to the next handler, which a sessionRoutes() call of its own may be.
  if (segment === 'events') return events === undefined ? undefined : { route: events, segment };
  return { route: NAMED.get(segment) ?? revokeOne, segment };
}

// "This wasn't me": the link is the proof, no session needed; only a same-origin POST acts.
async function revocationLinkPage(manager: SessionManager, request: HttpRequest, selfPath: string, resolved: ResolvedHttpOptions): Promise<HttpResponse> {
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) return methodNotAllowedResponse('GET, HEAD, POST');
  if (isCrossSiteWrite(request, resolved.trustProxy)) return crossSiteResponse();
  return notMePage(manager, request, selfPath).catch((error: unknown) => failClosed(error, request, resolved));
}

// The manager throws here only when the store or the app's global-logout policy fails (inputs were checked): reported, and the outage's 503.
function failClosed(error: unknown, request: HttpRequest, resolved: ResolvedHttpOptions): HttpResponse {
  report(resolved.onError, error);
  return unavailableResponse(request, resolved.retryAfter);
}

/**
 * Creates the handler of the built-in JSON session routes, mounted under `prefix`:
 *
 * | Route | Answer |
 * | --- | --- |
 * | `GET /` | `200` the user's `SessionView[]`, this session first, `federated: true` in place of the provider's identifiers (`BrowserSessionView`) |
 * | `DELETE /:id` | `204`; `404` for an id that is not one of the user's live sessions |
 * | `POST /sign-out` | `200` `{ global }`, cookie cleared |
 * | `POST /sign-out-others` | `200` `{ revoked }` (how many) |
 * | `POST /sign-out-everywhere` | `204`, cookie cleared |
 * | `GET`, `POST /not-me?token=` | with `revocationLinks`: the "This wasn't me" page (no session needed) |
 * | `GET /events` (with `events`) | `200` `text/event-stream`: `event: revoked` the moment the session ends |
 * | `POST /security-events` (with `securityEvents`) | Shared Signals push (RFC 8935): `202` with no body once the SET is accepted (a replayed one too); `400` `{ err, description }` (`application/json`, `Content-Language`) for the wrong content type, a body over 64 KiB, a transmitter's `authorization` not sent (`authentication_failed`) or a SET `securityEvent()` refuses; `503` when the store or the transmitter's keys cannot be read, reported to `onError` |
 * | `POST /global-token-revocation` (with `globalTokenRevocation`) | Universal Logout, as `sessions.globalTokenRevocation()` decides: `204` once every session of the user ends (no session, no same-origin check); `401` with `WWW-Authenticate` for a bearer that is missing, not signed by a configured issuer for this endpoint, without `jti`, or already taken (by any instance sharing the store), `400` for a body that is not `{ sub_id }` (`email` or `iss_sub`) as JSON, `403` for an `iss_sub` of another issuer than the bearer's, `404` when `resolveSubject` finds no user, `503` when the keys, `resolveSubject` or the store fail, reported to `onError` (not for a `kid` that keys fetched less than 30 s before lack) |
 * | `POST /backchannel-logout` (with `backchannelLogout`) | OpenID Connect back-channel logout: `200` (no session, no same-origin check), `400` `{ error }` for a bad token, `503` when the store or the provider's keys cannot be reached, reported to `onError` (the specification asks no provider to send again) |
 *
 * A route marked "with" an option not given here is left to the next handler (`undefined`), so a `sessionRoutes()` call of its own under the
 * same prefix serves it. The others need a session (`401`, or the login redirect for a page navigation); another method gets `405` with `Allow`; state-changing routes
 * refuse cross-site requests (`403`); a store failure gives `503`; nothing is cached. With `requireFresh`, the routes that end other sessions answer
 * `403` `reauthentication_required` (a `303` to `reauthPath` for a page) to a session not fresh, and `POST /sign-out` signs out this device only (`{
 * "global": false }`). `requireFresh` holds for every `sessionRoutes()` call with this manager and prefix, the smallest given, whichever call
 * answers the request.
 *
 * @param manager - The manager the session middleware was given.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for options out of range.
 */
export function createSessionRoutes(manager: SessionManager, options: SessionRoutesOptions = {}): SessionRoutes {
  checkManager(manager, 'The session routes');
  const { prefix, requireFresh: ownRequireFresh, revocationLinks, events, backchannelLogout, globalTokenRevocation, securityEvents } = resolveRoutesOptions(options);
  const requireFreshOf = sharedRequireFresh(manager, prefix, ownRequireFresh);
  const hub = events === undefined ? undefined : new LiveEventsHub(manager, events, `${prefix}/events`);
  const eventsOf: Route | undefined = hub && { methods: ['GET'], run: async (sessions) => hub.respond(requestStateOf(sessions, 'The session routes')) };
  const pushedEvents = securityEvents === undefined ? undefined : createSecurityEventsRoute(manager, securityEvents);
  const universalLogout = globalTokenRevocation === undefined ? undefined : createGlobalTokenRevocationRoute(manager, globalTokenRevocation);
  const respond = async (sessions: RequestSessions | undefined): Promise<HttpResponse | undefined> => {
    const state = requestStateOf(sessions, 'The session routes');
    if (state.manager !== manager) throw new SessionError('INVALID_CONFIGURATION', 'The session routes and the session middleware were given different session managers.');
    const { request, options: resolved } = state;
    const path = requestPath(request.url);
    if (!path.startsWith(prefix) || (path.length > prefix.length && path[prefix.length] !== '/')) return undefined;
    const matched = routeOf(path.slice(prefix.length), eventsOf);
    if (matched === undefined) return undefined;
    const { route, segment } = matched;
    // An optional route not configured here goes to the next handler (a sessionRoutes() call of its own); a provider's server calls the provider routes, so no cross-site or session check.
    if (segment === 'not-me') return revocationLinks ? revocationLinkPage(manager, request, `${prefix}/not-me`, resolved) : undefined;
    if (segment === 'backchannel-logout') return backchannelLogout === undefined ? undefined : backchannelLogoutRoute(manager, request, backchannelLogout, resolved);
    if (segment === 'global-token-revocation') return universalLogout?.(request, resolved);
    if (segment === 'security-events') return pushedEvents?.(request, resolved);
    if (!route.methods.includes(request.method)) return methodNotAllowedResponse(route.methods.join(', '));
    // A stream takes one of the user's few places: another site's page (an iframe, a popup) must not hold them, as it must not write.
    if (route === eventsOf ? isCrossSiteRequest(request, resolved.trustProxy) : isCrossSiteWrite(request, resolved.trustProxy)) return crossSiteResponse();
    const denied = requireSessionResponse(sessions);
    // An EventSource cannot read the refusal, so the page asks again with fetch: the cookie is kept to tell it why.
    if (denied !== undefined) return route === eventsOf ? { ...denied, setCookies: [] } : denied;
    const requireFresh = requireFreshOf();
    const fresh = requireFresh === undefined || isFreshRequest(state, requireFresh);
    if (!fresh && route.endsOthers?.(sessions!, segment) === true) return reauthenticationResponse(request, resolved);
    return route.run(sessions!, request, segment, fresh).catch((error: unknown) => failClosed(error, request, resolved));
  };
  return { prefix, respond, closeStreams: () => hub?.closeAll() };
}
