import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { requireSameOrigin, sessionErrorHandler, sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager, memoryStore, type SessionManager, type SessionStore } from '../../src/index.js';
import { createAccounts, type Accounts } from './accounts.js';
import { createActivity } from './activity.js';
import { openDatabase } from './database.js';
import { createFederatedSignIn, demoClient, type ClientMetadata, type IdentityProviderLink } from './federated-sign-in.js';
import { createOutbox } from './outbox.js';
import { FRESH_AGE_MINUTES, MAX_BROWSER_SESSIONS } from './limits.js';
import { createResetLinks } from './reset-links.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import type { Deps } from './routes/context.js';
import { federatedRoutes } from './routes/federated.js';
import { pageRoutes } from './routes/pages.js';
import { profileRoutes } from './routes/profile.js';
import { supportRoutes } from './routes/support.js';
import { errorPage } from './views/errors.js';
import { formatEventLine } from '../shared/audit.js';

export interface DemoOptions {
  /**
   * `"sqlite"`: sessions and app data in `<dataDir>/demo.sqlite`, surviving a restart.
   * `"memory"`: the memory store and an in-memory database, gone when the process ends.
   */
  readonly store: 'sqlite' | 'memory';
  /** Folder of the SQLite file; created when missing. Required with `store: "sqlite"`. */
  readonly dataDir?: string;
  /**
   * The manager's `policy.onPasswordChange`: `"others"` keeps the device that changed the
   * password signed in, `"all"` signs it out too. @default "others"
   */
  readonly onPasswordChange?: 'others' | 'all';
  /** Where audit lines go. @default console.log */
  readonly log?: (line: string) => void;
  /**
   * The session manager's time source, also used by the pages for "5 minutes ago": a browser
   * test passes one it can move forward, to make a session "old" (older than `freshAge`, or
   * last used minutes ago) without waiting. @default Date.now
   */
  readonly clock?: () => number;
  /**
   * The session store to use instead of the one `store` picks (the app data stays where `store`
   * says): a browser test runs two demos on one Redis, as two instances of one app.
   */
  readonly sessionStore?: SessionStore;
  /**
   * Sign-in through an OpenID provider (`npm run demo -- --idp`, started by `startKeystone`):
   * the login page's "Sign in with the identity provider", the provider's back-channel logout
   * at `/api/sessions/backchannel-logout`, and "Sign out at the provider" on the Profile page.
   */
  readonly identityProvider?: IdentityProviderLink | undefined;
  /**
   * With `identityProvider`: the provider also pushes Shared Signals security events (its
   * console's "Push session-revoked") to `/api/sessions/security-events`, addressed to
   * `audience` and sent with this `Authorization` header.
   */
  readonly securityEvents?: { readonly audience: string; readonly authorization: string } | undefined;
  /**
   * `--rotate`: "Keep me signed in" signs in a `remember` session whose secret is rotated
   * after `rotateAfter` (ms) of use, the previous cookie still working for `rotationGrace`;
   * a copied cookie used after that signs the session out (`token_reused`). Off by default.
   */
  readonly rotation?: { readonly rotateAfter: number; readonly rotationGrace: number } | undefined;
}

export interface Demo {
  readonly app: Express;
  readonly sessions: SessionManager;
  readonly accounts: Accounts;
  /** The SQLite file, when there is one. */
  readonly filename: string | undefined;
  /** With `identityProvider`: what the provider must register for the demo. */
  readonly oidcClient: ClientMetadata | undefined;
  /** Where the provider pushes security events (the session routes' `<prefix>/security-events`). */
  readonly securityEventsPath: string;
  /** Stops pruning and closes the store and the database. */
  close(): Promise<void>;
}

const FRESH_AGE = FRESH_AGE_MINUTES * 60 * 1000;
/** Where the library's session routes are mounted. */
const SESSION_ROUTES = '/api/sessions';

/**
 * Security headers for every response: the pages load only their own CSS and script. Forms post
 * to the demo only, and with an identity provider may be redirected to it (browsers check
 * `form-action` on a form's redirects too): "Sign in with the identity provider" and "Sign out
 * at the provider" are forms whose answer is a redirect to the provider.
 */
function securityHeaders(identityProvider: IdentityProviderLink | undefined): express.RequestHandler {
  const formAction = identityProvider === undefined ? "'self'" : `'self' ${new URL(identityProvider.issuer).origin}`;
  const policy = `default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
  return function securityHeaders(_req, res, next) {
    res.set({ 'Content-Security-Policy': policy, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    next();
  };
}

/** Builds the demo app: the session manager on the chosen store, the accounts, and every page. */
export async function createDemo(options: DemoOptions): Promise<Demo> {
  const log = options.log ?? ((line: string) => console.log(line));
  let filename: string | undefined;
  if (options.store === 'sqlite') {
    if (options.dataDir === undefined) throw new Error('The SQLite store needs dataDir.');
    mkdirSync(options.dataDir, { recursive: true });
    filename = join(options.dataDir, 'demo.sqlite');
  }
  const db = openDatabase(filename ?? ':memory:');
  const accounts = createAccounts(db);
  await accounts.seed();
  const onPasswordChange = options.onPasswordChange ?? 'others';
  const clock = options.clock ?? Date.now;

  const sessions = createSessionManager({
    // One file for everything: the store's tables carry their own prefix.
    store: options.sessionStore ?? (filename === undefined ? memoryStore() : sqliteStore({ database: db })),
    policy: {
      // Read at every sign-out, so the Settings toggle applies from the next click on.
      globalLogout: ({ tenantId }) => tenantId !== undefined && accounts.tenant(tenantId)?.globalLogout === true,
      onPasswordChange,
    },
    // At most three browsers signed in per person: a fourth sign-in signs out the least
    // recently used one (reason "session_limit"), which lands on the login page next time.
    maxSessions: { browser: MAX_BROWSER_SESSIONS, remember: MAX_BROWSER_SESSIONS },
    // `--rotate`: remember-me sessions get a new secret on use after a short interval.
    ...(options.rotation === undefined ? {} : { kinds: { remember: options.rotation } }),
    onMaxSessions: 'evict-oldest',
    // Ending other sessions or changing the email or password needs a password typed within
    // the last 10 minutes: requireFresh() on those routes.
    freshAge: FRESH_AGE,
    clock,
  });
  sessions.on('*', (event) => log(formatEventLine(event)));
  const stopPruning = sessions.startPruning();

  const { identityProvider } = options;
  const backchannelLogout = identityProvider === undefined ? undefined : { issuers: [{ issuer: identityProvider.issuer, clientId: identityProvider.clientId }] };
  // The provider as a Shared Signals transmitter: its keys are found at its
  // /.well-known/ssf-configuration, and a push must carry the agreed Authorization header.
  const securityEvents =
    identityProvider === undefined || options.securityEvents === undefined
      ? undefined
      : { transmitters: [{ issuer: identityProvider.issuer, audience: options.securityEvents.audience, authorization: options.securityEvents.authorization }] };
  const deps: Deps = {
    sessions,
    accounts,
    activity: createActivity(sessions),
    resetLinks: createResetLinks(db),
    outbox: createOutbox(db, { sessions, accounts, notMePath: `${SESSION_ROUTES}/not-me` }),
    keepsThisDevice: onPasswordChange === 'others',
    rememberKind: options.rotation !== undefined,
    clock,
    federatedSignIn: identityProvider === undefined ? undefined : await createFederatedSignIn(identityProvider),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(identityProvider));
  app.use(sessionMiddleware(sessions, { loginPath: '/login' }));
  // The library's JSON routes, for scripts and single-page apps: GET /api/sessions, DELETE /api/sessions/:id...
  // Those ending other sessions need a fresh sign-in too, as the Profile page's forms do.
  // `events` adds GET /api/sessions/events, the stream every signed-in page listens to (see
  // assets/live.ts): a device signed out elsewhere goes to the login page at once, unclicked.
  // `revocationLinks` adds /api/sessions/not-me, the "This wasn't me" page of the new-sign-in emails.
  // With an identity provider, `backchannelLogout` adds POST /api/sessions/backchannel-logout,
  // where the provider's server sends its logout tokens (before express.urlencoded() below:
  // the route reads its form itself). `securityEvents` adds POST /api/sessions/security-events,
  // where the provider pushes Security Event Tokens (its console's "Push session-revoked").
  app.use(sessionRoutes(sessions, { prefix: SESSION_ROUTES, requireFresh: FRESH_AGE, events: true, revocationLinks: true, backchannelLogout, securityEvents }));
  // The library's cross-site check on the demo's own forms too (its JSON routes apply it
  // themselves): SameSite=Lax still sends the session cookie with a sibling subdomain's post,
  // and forged sign-ins and sign-outs need no cookie.
  app.use(requireSameOrigin());
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  app.use(pageRoutes(deps));
  app.use(authRoutes(deps));
  app.use(profileRoutes(deps));
  app.use(adminRoutes(deps));
  app.use(supportRoutes(deps));
  app.use(federatedRoutes(deps));
  app.use((_req, res) => {
    res.status(404).set('Cache-Control', 'no-store').type('html').send(errorPage('Page not found', 'There is nothing at this address.').value);
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) console.error(error);
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(errorPage('Something went wrong', status >= 500 ? 'The server could not finish that. Try again in a moment.' : 'That request could not be read.').value);
  };
  // A store outage inside a route (signing in while the store is down) is the library's 503,
  // cookie kept, rather than the 500 below.
  app.use(sessionErrorHandler());
  app.use(onError);

  return {
    app,
    sessions,
    accounts,
    filename,
    oidcClient: identityProvider === undefined ? undefined : demoClient(identityProvider, `${SESSION_ROUTES}/backchannel-logout`),
    securityEventsPath: `${SESSION_ROUTES}/security-events`,
    async close() {
      stopPruning();
      await sessions.close();
      db.close();
    },
  };
}
