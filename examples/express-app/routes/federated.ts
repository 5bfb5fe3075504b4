import { Router, type Request, type Response } from 'express';
import { requireSession } from '../../../adapters/express/index.js';
import type { Session } from '../../../src/index.js';
import { safeNextPath } from '../../../src/http/index.js';
import { IDP_PATHS, type PendingSignIn } from '../federated-sign-in.js';
import { errorPage } from '../views/errors.js';
import { cookieOf, field, sendPage, type Deps } from './context.js';
import { refuseDuringSupportAccess } from './support.js';

// "Sign in with the identity provider" and "Sign out at the provider" (`npm run demo -- --idp`).
//
// The ID token the provider issued is kept in the session's data (`{ idp: { issuer, idToken } }`)
// for one use: the `id_token_hint` of the provider's logout page, which tells it which of its
// sessions to end without asking who you are. That is acceptable here because session data stays
// in the store, server-side, and is never sent to the browser; the ID token is a signed statement
// of who signed in (the demo's provider puts nothing in it but `sub`, `sid` and the usual
// claims), not a credential an API accepts; and it goes when the session goes. An app whose ID
// tokens carry personal claims keeps less (`sid` is in the library's `federated` link already).

/** Where a sign-in under way waits: sent back to the redirect URI only, gone after ten minutes. */
const PENDING_COOKIE = 'keystone_idp_sign_in';
const PENDING_MAX_AGE = 10 * 60 * 1000;

/** What "Sign out at the provider" needs from the session's data. */
interface ProviderSignIn {
  readonly issuer: string;
  readonly idToken: string;
}

/** The ID token of a session signed in through `issuer` (not through a provider of an earlier run of the demo). */
export function providerSignInOf(session: Session | null, issuer: string | undefined): ProviderSignIn | undefined {
  const kept = session?.data?.['idp'];
  if (typeof kept !== 'object' || kept === null || Array.isArray(kept)) return undefined;
  const { issuer: from, idToken } = kept;
  return typeof from === 'string' && from === issuer && typeof idToken === 'string' ? { issuer: from, idToken } : undefined;
}

function readPending(req: Request): PendingSignIn | undefined {
  const raw = cookieOf(req, PENDING_COOKIE);
  if (raw === undefined) return undefined;
  try {
    const { state, verifier, next } = JSON.parse(Buffer.from(decodeURIComponent(raw), 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof state !== 'string' || typeof verifier !== 'string' || typeof next !== 'string') return undefined;
    return { state, verifier, next: safeNextPath(next, '/') };
  } catch {
    return undefined;
  }
}

/** The same attributes as the session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS), on the redirect URI's path. */
const pendingCookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, secure: req.secure, path: IDP_PATHS.callback });

/** The sign-in through the identity provider, its return, and "Sign out at the provider". None without `--idp`. */
export function federatedRoutes(deps: Deps): Router {
  const router = Router();
  const { federatedSignIn: idp, accounts } = deps;
  if (idp === undefined) return router;

  const toLogin = (res: Response, notice: string) => res.redirect(303, `/login?notice=${notice}`);

  router.post(IDP_PATHS.start, async (req, res) => {
    let begun: Awaited<ReturnType<typeof idp.begin>>;
    try {
      begun = await idp.begin(safeNextPath(field(req, 'next'), '/'));
    } catch (error) {
      console.error(`The identity provider at ${idp.issuer} could not be reached:`, error);
      return toLogin(res, 'idp-unavailable');
    }
    res.cookie(PENDING_COOKIE, Buffer.from(JSON.stringify(begun.pending)).toString('base64url'), { ...pendingCookieOptions(req), maxAge: PENDING_MAX_AGE });
    res.redirect(303, begun.url);
  });

  // The redirect URI. A top-level navigation from the provider: SameSite=Lax cookies come along.
  router.get(IDP_PATHS.callback, async (req, res) => {
    const pending = readPending(req);
    res.clearCookie(PENDING_COOKIE, pendingCookieOptions(req));
    // No sign-in started in this browser (an old tab, or someone else's link): nothing to finish.
    if (pending === undefined) return toLogin(res, 'idp-sign-in-failed');
    let signedIn: Awaited<ReturnType<typeof idp.finish>>;
    try {
      signedIn = await idp.finish(req.originalUrl, pending);
    } catch (error) {
      // Cancelled at the provider (`error=access_denied`), a state that does not match, an expired code...
      console.error('Sign-in through the identity provider failed:', error instanceof Error ? error.message : error);
      return toLogin(res, 'idp-sign-in-failed');
    }
    const { identity, idToken } = signedIn;
    // The `sub` of the demo's provider is the login typed on its page: a demo account's email.
    const user = accounts.userByEmail(identity.sub);
    if (user === undefined) return toLogin(res, 'idp-no-account');
    await req.sessions.signIn({ userId: user.id, tenantId: user.tenantId, federated: identity, data: { idp: { issuer: identity.iss, idToken } } });
    res.redirect(303, pending.next);
  });

  // RP-initiated logout: to the provider's logout page, which asks to confirm. The demo does
  // not end its own session here, on purpose: the provider's back-channel request does, once
  // confirmed (an app would usually sign out its own session first, then go to the provider).
  router.post('/profile/sign-out-at-provider', requireSession(), refuseDuringSupportAccess(deps), async (req, res) => {
    const signIn = providerSignInOf(req.sessions.current, idp.issuer);
    if (signIn === undefined) {
      return sendPage(res, errorPage('Not signed in through the provider', 'This session did not come from the identity provider that is running now: sign out from the account menu instead.'), 409);
    }
    res.redirect(303, await idp.logoutUrl(signIn.idToken));
  });

  // The post-logout redirect URI. The provider sends the browser here after it has sent its
  // back-channel logout, so this device's session has ended, unless that request failed.
  router.get(IDP_PATHS.signedOut, (req, res) => {
    if (req.sessions.current === null) return toLogin(res, 'idp-signed-out');
    res.redirect(303, '/profile?notice=idp-session-still-live');
  });

  return router;
}
