import { Router, type Request, type Response } from 'express';
import { safeNextPath } from '../../../src/http/index.js';
import { hashPassword, verifyNobody, verifyPassword } from '../../shared/passwords.js';
import { loginPage, reauthPage } from '../views/login.js';
import { noticeFor, noticeForLoginReason } from '../views/notices.js';
import { forgotPasswordPage, resetLinkInvalidPage, resetLinkSentPage, resetPasswordPage } from '../views/password-reset.js';
import type { User } from '../accounts.js';
import { field, passwordProblem, sendPage, type Deps } from './context.js';

const sameCredentials = (now: User | undefined, checked: User): boolean => now?.passwordHash === checked.passwordHash && now.email === checked.email;

/** Sign in, sign out of this device, and the "Forgot password?" reset that signs out everywhere. */
export function authRoutes({ sessions, accounts, resetLinks, federatedSignIn, rememberKind }: Deps): Router {
  const router = Router();
  // With `--idp`, the login page also offers "Sign in with the identity provider".
  const identityProvider = federatedSignIn !== undefined;

  // The signed-in user, for the "Confirm it's you" form; undefined without a session.
  const signedInUser = (req: Request) => (req.sessions.userId === null ? undefined : accounts.userById(req.sessions.userId));

  // Slashes may stay as they are in a query, as in the library's own login redirects.
  const signInAgain = (next: string): string => `/login?next=${encodeURIComponent(next).replaceAll('%2F', '/')}`;

  // The "Confirm it's you" form: the same session proves who it is again. No new session, so
  // no new row in Login management and nothing signed out; a wrong password changes nothing.
  const confirmPassword = async (req: Request, res: Response, next: string): Promise<void> => {
    const user = signedInUser(req);
    // The session ended meanwhile (signed out from another device): sign in from scratch.
    if (user === undefined) return res.redirect(303, signInAgain(next));
    if (!(await verifyPassword(field(req, 'password'), user.passwordHash))) {
      return sendPage(res, reauthPage({ email: user.email, next, error: "That password isn't right." }), 401);
    }
    const session = await req.sessions.reauthenticated();
    res.redirect(303, session === null ? signInAgain(next) : next);
  };

  // `reauth=1` is where requireFresh() sends a signed-in user whose password is too old for a
  // sensitive action: the same page asks only for the password, for the same session.
  router.get('/login', (req, res) => {
    const next = safeNextPath(req.query.next, '/');
    const user = signedInUser(req);
    if (user !== undefined && req.query.reauth === '1') return sendPage(res, reauthPage({ email: user.email, next }));
    if (req.sessions.current !== null) return res.redirect(303, next);
    sendPage(res, loginPage({ next, identityProvider, notice: noticeFor(req.query.notice) ?? noticeForLoginReason(req.query.reason, { identityProvider }) }));
  });

  router.post('/login', async (req, res) => {
    const next = safeNextPath(field(req, 'next'), '/');
    if (field(req, 'reauth') === '1') return confirmPassword(req, res, next);
    const email = field(req, 'email').trim();
    const password = field(req, 'password');
    const user = email === '' ? undefined : accounts.userByEmail(email);
    const ok = user === undefined ? await verifyNobody(password) : await verifyPassword(password, user.passwordHash);
    if (!ok || user === undefined) {
      return sendPage(res, loginPage({ email, next, identityProvider, error: "That email and password don't match an account." }), 401);
    }
    // "Keep me signed in" unticked: a cookie without an expiry, gone when the browser closes.
    const remember = field(req, 'remember') === 'on';
    await req.sessions.signIn({ userId: user.id, tenantId: user.tenantId, persistent: remember, kind: remember && rememberKind ? 'remember' : undefined });
    // A reset or change that landed while the password was checked signed the account out
    // before this session existed: the password checked no longer opens it, so neither does this.
    if (!sameCredentials(accounts.userById(user.id), user)) {
      await req.sessions.signOut({ thisDeviceOnly: true });
      return sendPage(res, loginPage({ email, next, identityProvider, error: "That email and password don't match an account." }), 401);
    }
    res.redirect(303, next);
  });

  // No requireSession(): a device whose session already ended still gets its cookie cleared
  // and lands on the login page.
  router.post('/logout', async (req, res) => {
    // Under the global-logout setting a sign-out ends every device: that takes a fresh sign-in,
    // as on every page that ends other devices. A stale session still signs out its own.
    const { global } = await req.sessions.signOut({ thisDeviceOnly: !req.sessions.isFresh() });
    res.redirect(303, `/login?notice=${global ? 'global-logout' : 'signed-out'}`);
  });

  router.get('/forgot-password', (_req, res) => sendPage(res, forgotPasswordPage()));

  router.post('/forgot-password', (req, res) => {
    const user = accounts.userByEmail(field(req, 'email'));
    const link = user === undefined ? undefined : `/reset-password?token=${resetLinks.issue(user.id)}`;
    sendPage(res, resetLinkSentPage({ link }));
  });

  router.get('/reset-password', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (resetLinks.peek(token) === undefined) return sendPage(res, resetLinkInvalidPage(), 404);
    sendPage(res, resetPasswordPage({ token }));
  });

  router.post('/reset-password', async (req, res) => {
    const token = field(req, 'token');
    if (resetLinks.peek(token) === undefined) return sendPage(res, resetLinkInvalidPage(), 404);
    const problem = passwordProblem(field(req, 'password'), field(req, 'confirm'));
    if (problem !== undefined) return sendPage(res, resetPasswordPage({ token, error: problem }), 422);
    const passwordHash = await hashPassword(field(req, 'password'));
    const userId = resetLinks.consume(token);
    const user = userId === undefined ? undefined : accounts.userById(userId);
    if (user === undefined) return sendPage(res, resetLinkInvalidPage(), 404);
    // The password first: a sign-in that checked the old one and lands after the sessions end
    // then finds it changed and ends itself; one landing before is ended by the reset.
    accounts.setPasswordHash(user.id, passwordHash);
    resetLinks.forgetUser(user.id);
    await sessions.passwordReset(user.id, { tenantId: user.tenantId });
    res.redirect(303, '/login?notice=password-reset');
  });

  return router;
}
