import { randomBytes } from 'node:crypto';
import { SessionError } from '../../errors.js';
import type { SessionHttpOptions, SessionRoutesOptions } from '../../http/options.js';
import type { SessionManager } from '../../manager/api.js';
import { createSessionManager } from '../../manager/index.js';
import { describeRotation, SUITE_ROTATION } from './rotation.js';
import { memoryStore } from '../../stores/memory.js';
import { resolveRunner, type TestRunner } from '../runner.js';
import { describeAccessTokens } from './access-tokens.js';
import { describeAnonymous } from './anonymous.js';
import { describeBackchannelLogout } from './backchannel-logout.js';
import { startTestIssuer, SUITE_GTR_AUDIENCE, SUITE_SET_AUDIENCE, type TestIssuer } from './test-issuer.js';
import { describeSecurityEvents, SUITE_PUSH_AUTHORIZATION } from './security-events.js';
import { replyExpectation, scenarioOf, type FrameworkSuiteContext, type Scenario } from './context.js';
import { describeCrossSite } from './cross-site.js';
import { switchableStore } from './failing-store.js';
import { describeForms } from './forms.js';
import { describeFreshness } from './freshness.js';
import { describeLiveEvents, SUITE_STREAMS_PER_USER } from './live-events.js';
import { describeMalformed } from './malformed.js';
import { describeOutage } from './outage.js';
import { describePathVariants } from './path-variants.js';
import { describeRevocation } from './revocation.js';
import { describeRevocationLinks } from './revocation-links.js';
import { describeRoutes } from './routes.js';
import { describeSignIn } from './sign-in.js';
import { describeUniversalLogout } from './universal-logout.js';
import { describeWrappedStore } from './wrapped-store.js';
import type { SessionStore } from '../../store.js';

/** What `makeApp` receives: the manager and the options to hand to the wrapper as they are. */
export interface FrameworkAppContext {
  /** The session manager to give the wrapper (its store can be made to fail). */
  readonly sessions: SessionManager;
  /** Options for the session middleware, to pass unchanged: `{ loginPath: "/login", trustProxy: true, accessTokens: true }`. */
  readonly middlewareOptions: SessionHttpOptions;
  /** Where to mount the JSON session routes: `"/sessions"` (also in `routesOptions`). */
  readonly routesPrefix: string;
  /** Options for the session routes, to pass unchanged (`{ prefix: "/sessions", requireFresh: 600_000, revocationLinks: true, ... }`). */
  readonly routesOptions: SessionRoutesOptions;
}

/** A started app. */
export interface FrameworkApp {
  /** Its base URL, on 127.0.0.1: `"http://127.0.0.1:41234"`. */
  readonly url: string;
  /** Stops it, closing idle keep-alive connections too, so it resolves promptly. */
  close(): Promise<void>;
}

/** Options of {@link describeFrameworkConformance}. */
export interface FrameworkConformanceOptions {
  /** The runner to register tests with (`{ describe, it, expect }`, and its hooks); defaults to its globals, else the project's vitest. */
  readonly runner?: TestRunner;
}

const ROUTES_PREFIX = '/sessions';

// The suite's directory: `<user>@example.com`, or the user's id as the suite's provider's `sub`.
function suiteUserOf(subject: Readonly<Record<string, unknown>>, issuer: string): string | undefined {
  const { format, email, iss, sub } = subject;
  if (format === 'email') return typeof email === 'string' ? /^([a-z]+)@example\.com$/.exec(email)?.[1] : undefined;
  return format === 'iss_sub' && iss === issuer && typeof sub === 'string' ? sub : undefined;
}
// The routes' requireFresh: the manager's default freshAge, so "fresh" means the same everywhere.
const FRESH_FOR = 10 * 60 * 1000;
/** The manager's `storeTimeout` in the suite (ms). */
export const STORE_TIMEOUT = 300;

/**
 * Registers the framework conformance suite: the HTTP behaviour every wrapper must have, checked
 * over a real server with real `fetch` (redirects not followed), and `node:http` for HTML form
 * submissions (`fetch` cannot send `Sec-Fetch-Mode: navigate`).
 *
 * Before each test `makeApp(context)` must start a server on 127.0.0.1 (any free port) and
 * return its URL and a `close` function. With the wrapper under test, the app mounts:
 *
 * - the session middleware with `context.sessions` and `context.middlewareOptions`, on every request;
 * - the session routes with `context.routesOptions` under `/sessions` (with the "This wasn't me"
 *   page, `GET /sessions/events`, `POST /sessions/backchannel-logout`, `POST /sessions/security-events`
 *   and `POST /sessions/global-token-revocation`), with or without the framework's usual form and
 *   JSON parsers in front of them;
 * - `POST /login?user=<userId>` (body ignored), behind `requireSameOrigin`:
 *   `await sessions.signIn({ userId, persistent })`, `persistent` being `false` when the query
 *   has `remember=0`, then `200` JSON `{ "sessionId": <the new session's id> }`;
 * - `POST /reauthenticate`, behind `requireSession`: `const session = await sessions.reauthenticated()`,
 *   then `200` JSON `{ "fresh": sessions.isFresh(), "authenticatedAt": session?.authenticatedAt }`;
 * - `GET /api/sensitive`, behind `requireFresh()`: `200` JSON `{ "userId": sessions.userId }`;
 * - `GET /api/sensitive-hour`, behind `requireFresh({ maxAge: 3_600_000 })` (Fastify:
 *   `fastify.requireFresh` with the route's `config: { requireFresh: { maxAge: 3_600_000 } }`): `200` JSON `{ "userId": sessions.userId }`;
 * - `GET /security`, behind `requireFresh()`: `200` HTML (any);
 * - `POST /sign-out-others` (body ignored), behind `requireSameOrigin` then `requireFresh()`:
 *   `200` JSON `{ "revoked": (await sessions.signOutOthers()).revokedIds.length }`;
 * - `POST /account` (body ignored), behind `requireSameOrigin` then `requireSession`:
 *   `200` JSON `{ "userId": sessions.userId }`;
 * - `GET /api/me`, behind `requireSession`: `200` JSON
 *   `{ "userId": sessions.userId, "sessionId": sessions.current?.id ?? sessions.accessToken?.sid }`;
 * - `GET /dashboard` (the suite sends `HEAD` too: route it as the `GET`), behind `requireSession`: `200` HTML (any);
 * - `GET /api/public`: `200` JSON `{ "userId": sessions.userId, "status": sessions.status }`;
 * - `GET /api/theme`: sets the app's cookie `theme=dark; Path=/` the framework's usual way (Express
 *   `res.cookie`, Fastify `reply.header`, Koa `ctx.set('Set-Cookie', …)`, Hono and Fetch a `new Response`
 *   of its own with the header), then `200` JSON `{ "theme": "dark" }`;
 * - first on every request, before the session middleware (whose cookies Express's `res.setHeader`
 *   would replace), where the framework's plain header setter takes an array: the app's cookie
 *   `consent=1; Path=/`, set with that setter and one module-level array, the same each time
 *   (`const CONSENT = ['consent=1; Path=/']`; Express `res.setHeader('Set-Cookie', CONSENT)`, Fastify
 *   `reply.header('set-cookie', CONSENT)` in an `onRequest` hook added before the plugin, Koa
 *   `ctx.set('Set-Cookie', CONSENT)`; not Hono, whose `c.header` takes a string);
 * - on a framework with hooks after the handler (Fastify's `onSend`), one that takes a turn of the
 *   event loop (`await new Promise((resolve) => setImmediate(resolve))`), as an audit log or a signer
 *   does: a guard that answers but lets the route go on runs the handler only behind one;
 * - where a handler returns a `Response` of its own (Hono, Fetch handlers): `POST /login?shared=1`
 *   answers, after its `signIn`, one module-level `new Response(null, { status: 204 })`, the same
 *   object each time;
 * - `GET /api/fail`: throws an `Error`, left to the framework's usual error handling (a `500`; on a
 *   Fetch runtime, which answers a thrown error without the wrapper, the handler's own `500` `Response`);
 * - the wrapper's error handler, so that a `SessionError` `STORE_UNAVAILABLE` thrown by the
 *   routes is the library's `503` (Express `sessionErrorHandler()` after the routes, Fastify's as
 *   its error handler, Koa's `sessionMiddleware` by itself).
 *
 * (`sessions` is the request's object, `req.sessions` or `ctx.sessions`; the guards are the wrapper's.)
 * A test of a store the app wrapped, or of other middleware options (`trustProxy: false`), calls
 * `makeApp` a second time, with another manager.
 *
 * @param name - Shown in the test report.
 * @param makeApp - Starts the app for one test.
 * @param options - The runner.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when no runner is given, none is
 * global and vitest is not installed.
 *
 * @example
 * ```ts
 * // A vitest test file; with another runner, pass { runner: { describe, it, expect } }.
 * import { describeFrameworkConformance } from 'session-revocation/testing';
 *
 * describeFrameworkConformance('hono', async ({ sessions, middlewareOptions, routesOptions }) => {
 *   const app = makeMyHonoApp(sessions, middlewareOptions, routesOptions);
 *   const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
 *   await once(server, 'listening');
 *   return { url: `http://127.0.0.1:${server.address().port}`, close: () => closeServer(server) };
 * });
 * ```
 */
export function describeFrameworkConformance(name: string, makeApp: (context: FrameworkAppContext) => FrameworkApp | Promise<FrameworkApp>, options: FrameworkConformanceOptions = {}): void {
  const runner = resolveRunner(options.runner);
  let current: { readonly scenario: Scenario; readonly app: FrameworkApp; readonly idp: TestIssuer } | undefined;
  const context: FrameworkSuiteContext = {
    ...runner,
    expectReply: replyExpectation(runner.expect),
    scenario: () => {
      if (current === undefined) throw new SessionError('INVALID_CONFIGURATION', 'The app is only available inside a test.');
      return current.scenario;
    },
  };
  // Apps started by a test besides the scenario's own (`appOver`), closed after it.
  const extra: Array<() => Promise<void>> = [];
  runner.describe(`framework conformance: ${name}`, () => {
    runner.beforeEach(async () => {
      const store = switchableStore(memoryStore());
      const policy: Scenario['policy'] = { globalLogout: false };
      const clock = { now: Date.now() };
      // storeTimeout short, so the hanging-store case answers 503 quickly.
      const managerOver = (over: SessionStore): SessionManager =>
        createSessionManager({ store: over, clock: () => clock.now, policy: { globalLogout: () => (policy.globalLogout === 'failing' ? Promise.reject(new Error('The settings database is down.')) : policy.globalLogout) }, accessTokens: { secret: randomBytes(32) }, kinds: { remember: SUITE_ROTATION }, epochCacheTtl: 0, storeTimeout: STORE_TIMEOUT });
      const sessions = managerOver(store);
      const idp = await startTestIssuer();
      const start = async (over: SessionManager, middlewareOptions: Partial<SessionHttpOptions> = {}): Promise<FrameworkApp> =>
        makeApp({
          sessions: over,
          middlewareOptions: { loginPath: '/login', trustProxy: true, accessTokens: true, ...middlewareOptions },
          routesPrefix: ROUTES_PREFIX,
          // No polling: a revocation must reach the stream by itself.
          routesOptions: {
            prefix: ROUTES_PREFIX,
            requireFresh: FRESH_FOR,
            revocationLinks: true,
            events: { heartbeat: 100, pollInterval: 600_000, maxPerUser: SUITE_STREAMS_PER_USER },
            backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] },
            globalTokenRevocation: { issuers: [{ issuer: idp.issuer, audience: SUITE_GTR_AUDIENCE }], resolveSubject: (subject, { issuer }) => suiteUserOf({ ...subject }, issuer) },
            // The suite's provider is its transmitter too.
            securityEvents: { transmitters: [{ issuer: idp.issuer, audience: SUITE_SET_AUDIENCE, jwksUri: `${idp.issuer}/jwks`, authorization: SUITE_PUSH_AUTHORIZATION, resolveSubject: (subject) => suiteUserOf(subject, idp.issuer) }] },
          },
        });
      const app = await start(sessions);
      const appOver = async (wrap: (inner: SessionStore) => SessionStore, middlewareOptions?: Partial<SessionHttpOptions>) => {
        const other = managerOver(wrap(memoryStore()));
        const started = await start(other, middlewareOptions);
        extra.push(async () => {
          await started.close();
          await other.close();
        });
        return { url: started.url, sessions: other };
      };
      const appWith = (middlewareOptions: Partial<SessionHttpOptions>) => appOver((inner) => inner, middlewareOptions);
      current = { scenario: scenarioOf(app.url, sessions, store, policy, clock, idp, appOver, appWith), app, idp };
    });
    runner.afterEach(async () => {
      for (const close of extra.splice(0).reverse()) await close();
      const ended = current;
      current = undefined;
      if (ended === undefined) return;
      Object.assign(ended.scenario.store, { failing: false, failingCreate: false, hanging: false });
      await ended.app.close();
      await ended.scenario.sessions.close();
      await ended.idp.close();
    });
    const concerns = [
      describeSignIn, describeAnonymous, describeRevocation, describeRotation, describeForms, describeRoutes,
      describeCrossSite, describeOutage, describeMalformed, describeAccessTokens, describePathVariants, describeFreshness,
      describeRevocationLinks, describeLiveEvents, describeBackchannelLogout, describeSecurityEvents, describeUniversalLogout, describeWrappedStore,
    ];
    for (const concern of concerns) concern(context);
  });
}
