import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireFresh, requireSession } from '../../../adapters/express/index.js';
import { supportAccessRefusedPage, errorPage } from '../views/errors.js';
import { cookieOf, sendPage, viewerOf, type Deps } from './context.js';

// "View as": an owner browses the app as a teammate, on a support session from
// `sessions.impersonate()` (never fresh, listed to the teammate as support access, every change
// it makes carries the owner as `by`).
//
// The owner's own session is kept, not re-created: its token moves to a second HttpOnly cookie
// while the support session's token takes the session cookie, and "End" puts it back. Signing
// the owner in again instead would mint a new session (and a fresh one) from the support
// session alone, without their password; keeping the token keeps their session exactly as it
// was, with its sign-in time, and "End" checks it is still live before using it.

/** The session middleware's cookie names: over HTTPS, and over plain HTTP. */
const SESSION_COOKIES = ['__Host-session', 'session'] as const;
/** Where the owner's own token waits during support access. */
const OWN_SESSION_COOKIE = 'keystone_own_session';

/** The session cookie this request came with, or the one the middleware would write for it. */
function sessionCookieName(req: Request): string {
  return SESSION_COOKIES.find((name) => cookieOf(req, name) !== undefined) ?? (req.secure ? SESSION_COOKIES[0] : SESSION_COOKIES[1]);
}

function setCookie(res: Response, req: Request, name: string, value: string, maxAge?: number): void {
  // The same attributes as the session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: req.secure || name.startsWith('__Host-'), path: '/', ...(maxAge === undefined ? {} : { maxAge }) });
}

function clearCookie(res: Response, req: Request, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure || name.startsWith('__Host-'), path: '/' });
}

/**
 * Refuses an action during support access: a support session is never fresh, and the pages
 * say so plainly instead of asking the teammate's password on their behalf.
 */
export function refuseDuringSupportAccess(deps: Pick<Deps, 'accounts'>): RequestHandler {
  return function refuseDuringSupportAccess(req, res, next) {
    if (req.sessions.impersonatorId === null) return next();
    sendPage(res, supportAccessRefusedPage(viewerOf(req, deps.accounts)), 403);
  };
}

/** "View as" on the Team page, and "End" on the banner. */
export function supportRoutes({ sessions, accounts, clock }: Deps): Router {
  const router = Router();

  // Starting support access is itself sensitive: the owner typed their password recently.
  router.post('/team/:userId/view-as', requireSession(), requireFresh(), async (req, res) => {
    const viewer = viewerOf(req, accounts);
    const member = accounts.userById(String(req.params['userId']));
    const current = req.sessions.current;
    const cookieName = sessionCookieName(req);
    const ownToken = cookieOf(req, cookieName);
    // The middleware may have rotated the cookie on this very request: the successor is parked, not the retired secret.
    const own = ownToken === undefined ? undefined : await sessions.validate(ownToken);
    if (
      current === null ||
      own?.ok !== true ||
      viewer.supportBy !== undefined ||
      viewer.user.role !== 'owner' ||
      member === undefined ||
      member.id === viewer.user.id ||
      member.tenantId !== viewer.user.tenantId
    ) {
      return sendPage(res, errorPage('Not found', 'There is no teammate you can view as at that address.'), 404);
    }
    const support = await sessions.impersonate(current, member.id, { tenantId: member.tenantId, userAgent: req.get('user-agent'), ip: req.ip });
    // Both cookies last as long as the browser: the support session ends within the hour anyway.
    setCookie(res, req, OWN_SESSION_COOKIE, own.rotatedToken ?? ownToken!);
    setCookie(res, req, cookieName, support.token);
    res.redirect(303, '/');
  });

  // No requireSession(): a support session that expired or that the teammate ended still
  // brings the owner back to their own session.
  router.post('/support-access/end', async (req, res) => {
    const current = req.sessions.current;
    const cookieName = sessionCookieName(req);
    const ownToken = cookieOf(req, OWN_SESSION_COOKIE);
    clearCookie(res, req, OWN_SESSION_COOKIE);
    if (current !== null && current.impersonatorId !== undefined) {
      await sessions.revoke(current.id, { userId: current.userId, by: current.impersonatorId, reason: 'support_access_ended' });
    }
    const own = ownToken === undefined ? undefined : await sessions.validate(ownToken);
    // Only the owner's own session goes back, and only while it is live.
    if (own?.ok === true && own.session.impersonatorId === undefined && (current?.impersonatorId === undefined || own.session.userId === current.impersonatorId)) {
      const { session } = own;
      // validate() may have rotated the owner's token: the new one goes back.
      setCookie(res, req, cookieName, own.rotatedToken ?? ownToken!, session.persistent === false ? undefined : session.expiresAt - clock());
      return res.redirect(303, '/team?notice=support-access-ended');
    }
    clearCookie(res, req, cookieName);
    res.redirect(303, '/login?notice=support-access-ended');
  });

  return router;
}
