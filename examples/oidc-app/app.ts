import { randomBytes } from 'node:crypto';
import express, { type Request } from 'express';
import { rpLogoutUrl, type SessionManager } from 'session-revocation';
import { requireSameOrigin, requireSession, sessionErrorHandler, sessionMiddleware, sessionRoutes } from 'session-revocation/express';
import { deliveryFailedPage, homePage, securityPage } from './pages.js';
import type { PendingSignIn, SignInClient } from './sign-in.js';

// The Express 5 app: sign-in through the provider, the Security page, sign-out here and at the
// provider, and the back-channel logout URI the provider calls.

/** The app's paths registered with the provider. */
export const PATHS = {
  /** The redirect URI: the provider sends the browser back here with a code. */
  callback: '/callback',
  /** The post-logout redirect URI: where the provider sends the browser after its logout. */
  signedOut: '/signed-out',
  /** The session routes' back-channel logout URI (`<prefix>/backchannel-logout`, prefix `/sessions`). */
  backchannelLogout: '/sessions/backchannel-logout',
} as const;

/** Holds `state`, `nonce` and the PKCE verifier between leaving for the provider and coming back. */
const PENDING_COOKIE = 'oidc_sign_in';
/** Holds the `state` of a "Sign out this device" under way, until the provider sends the browser back. */
const SIGN_OUT_COOKIE = 'oidc_sign_out';
const TEN_MINUTES = 10 * 60 * 1000;

/** Where the ID token waits, in the session's `data`, for the `id_token_hint` of the provider's logout. */
interface SessionData {
  readonly idToken?: string;
}

/** What the app is built from: the session manager, and the client of the provider. */
export interface AppOptions {
  /** One manager per process, shared by every route. */
  readonly sessions: SessionManager;
  /** The OpenID Connect client of `issuer` (sign-in.ts). */
  readonly client: SignInClient;
  /** The provider's issuer identifier, exactly as its discovery document and tokens give it. */
  readonly issuer: string;
  readonly clientId: string;
  /** This app's own URL, e.g. `http://127.0.0.1:3003`. */
  readonly appUrl: string;
}

function cookieOf(req: Request, name: string): string | undefined {
  const pair = req.get('cookie')?.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

function readPending(req: Request): PendingSignIn | undefined {
  const raw = cookieOf(req, PENDING_COOKIE);
  if (raw === undefined) return undefined;
  try {
    const { state, nonce, verifier } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof state === 'string' && typeof nonce === 'string' && typeof verifier === 'string' ? { state, nonce, verifier } : undefined;
  } catch {
    return undefined;
  }
}

/** Read before the session ends: once it has, its data is gone with it. */
function idTokenOf(req: Request): string | undefined {
  const { idToken } = (req.sessions.current?.data ?? {}) as SessionData;
  return typeof idToken === 'string' ? idToken : undefined;
}

/** The Express app; `options.client` talks to the provider. */
export function createApp(options: AppOptions): express.Express {
  const { sessions, client, issuer, clientId, appUrl } = options;
  const app = express();
  const secure = appUrl.startsWith('https:');
  const pendingCookie = { httpOnly: true, sameSite: 'lax' as const, secure, path: PATHS.callback };
  const signOutCookie = { httpOnly: true, sameSite: 'lax' as const, secure, path: PATHS.signedOut };

  // No page of this app may be framed: another site could lay its own button over "Sign out everywhere".
  app.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });
    next();
  });
  app.use(sessionMiddleware(sessions, { loginPath: '/', onError: (error) => console.error('Session store error:', error) }));
  // The library's JSON routes (GET /sessions, DELETE /sessions/:id...) and the back-channel
  // logout URI: POST /sessions/backchannel-logout, called by the provider's server.
  app.use(
    sessionRoutes(sessions, {
      backchannelLogout: {
        issuers: [{ issuer, clientId }],
        onRefused: ({ reason, issuer: from }) => console.warn(`Logout token refused (${reason}) from ${from ?? 'an unknown issuer'}`),
      },
    }),
  );
  app.use(requireSameOrigin());

  app.get('/', (req, res) => {
    if (req.sessions.current !== null) return res.redirect(303, '/security');
    const reason = typeof req.query['reason'] === 'string' ? req.query['reason'] : undefined;
    res.send(homePage(reason));
  });

  // Sign-in, step 1: to the provider, with state, nonce and the PKCE challenge.
  app.post('/login', async (_req, res) => {
    let begun: Awaited<ReturnType<SignInClient['begin']>>;
    try {
      begun = await client.begin();
    } catch (error) {
      console.error(`The identity provider at ${issuer} could not be reached:`, error instanceof Error ? error.message : error);
      return res.redirect(303, '/?reason=sign_in_failed');
    }
    const { url, pending } = begun;
    res.cookie(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), { ...pendingCookie, maxAge: TEN_MINUTES });
    res.redirect(303, url.href);
  });

  // Sign-in, step 2: the redirect URI. The provider's redirect is a top-level navigation, so
  // the SameSite=Lax cookie comes along.
  app.get(PATHS.callback, async (req, res) => {
    const pending = readPending(req);
    // Only this browser's own return ends its pending sign-in: a link from another site cannot spoil it.
    if (pending === undefined || req.query['state'] !== pending.state) return res.redirect(303, '/?reason=sign_in_failed');
    res.clearCookie(PENDING_COOKIE, pendingCookie);
    let signedIn: Awaited<ReturnType<SignInClient['finish']>>;
    try {
      signedIn = await client.finish(new URL(req.originalUrl, appUrl), pending);
    } catch (error) {
      console.warn('Sign-in failed:', error instanceof Error ? error.message : error);
      return res.redirect(303, '/?reason=sign_in_failed');
    }
    const { identity, idToken } = signedIn;
    // `federated` links the session to the provider session (`sid`) its logout token will name.
    // The ID token stays server-side, in the session's data, for the provider's logout page.
    await req.sessions.signIn({ userId: identity.sub, federated: identity, data: { idToken } satisfies SessionData });
    res.redirect(303, '/security');
  });

  app.get('/security', requireSession(), async (req, res) => {
    res.send(securityPage(req.sessions.userId!, await req.sessions.list()));
  });

  // This device: to the provider's logout page. The provider ends its session, then POSTs a
  // logout token to the back-channel URI, which ends this device's session here. `state` comes
  // back with the browser: proof that it returns from a sign-out it started.
  app.post('/sign-out', requireSession(), async (req, res) => {
    const idToken = idTokenOf(req);
    if (idToken === undefined) {
      await req.sessions.signOut();
      return res.redirect(303, '/?reason=signed_out');
    }
    const state = randomBytes(16).toString('base64url');
    res.cookie(SIGN_OUT_COOKIE, state, { ...signOutCookie, maxAge: TEN_MINUTES });
    res.redirect(303, rpLogoutUrl({ issuerMetadata: await client.metadata(), idTokenHint: idToken, postLogoutRedirectUri: `${appUrl}${PATHS.signedOut}`, state }));
  });

  // Every device: ended here first (the provider knows only this browser's session), then this
  // browser's provider session too.
  app.post('/sign-out-everywhere', requireSession(), async (req, res) => {
    const idToken = idTokenOf(req);
    await req.sessions.signOutEverywhere();
    if (idToken === undefined) return res.redirect(303, '/?reason=signed_out');
    res.redirect(303, rpLogoutUrl({ issuerMetadata: await client.metadata(), idTokenHint: idToken, postLogoutRedirectUri: `${appUrl}${PATHS.signedOut}` }));
  });

  // The post-logout redirect URI. oidc-provider sends the browser here once its back-channel
  // request has been answered: a session still live means that request failed. Only when the
  // browser comes back from its own "Sign out this device": a link from elsewhere signs no one out.
  app.get(PATHS.signedOut, async (req, res) => {
    const expected = cookieOf(req, SIGN_OUT_COOKIE);
    res.clearCookie(SIGN_OUT_COOKIE, signOutCookie);
    if (req.sessions.current === null) return res.redirect(303, '/?reason=signed_out');
    if (expected === undefined || req.query['state'] !== expected) return res.redirect(303, '/security');
    console.error(`The provider's back-channel logout did not end session ${req.sessions.current.id}: ending it here.`);
    await req.sessions.signOut();
    res.send(deliveryFailedPage());
  });

  app.use(sessionErrorHandler());
  return app;
}
