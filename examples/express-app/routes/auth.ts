import { Router } from 'express';
import { safeNextPath } from '../../../src/http/index.js';
import { hashPassword, verifyNobody, verifyPassword } from '../../shared/passwords.js';
import { loginPage } from '../views/login.js';
import { noticeFor, noticeForLoginReason } from '../views/notices.js';
import { forgotPasswordPage, resetLinkInvalidPage, resetLinkSentPage, resetPasswordPage } from '../views/password-reset.js';
import { field, passwordProblem, sendPage, type Deps } from './context.js';

/** Sign in, sign out of this device, and the "Forgot password?" reset that signs out everywhere. */
export function authRoutes({ sessions, accounts, resetLinks }: Deps): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    const next = safeNextPath(req.query.next, '/');
    if (req.sessions.current !== null) return res.redirect(303, next);
    sendPage(res, loginPage({ next, notice: noticeFor(req.query.notice) ?? noticeForLoginReason(req.query.reason) }));
  });

  router.post('/login', async (req, res) => {
    const email = field(req, 'email').trim();
    const password = field(req, 'password');
    const next = safeNextPath(field(req, 'next'), '/');
    const user = email === '' ? undefined : accounts.userByEmail(email);
    const ok = user === undefined ? await verifyNobody(password) : await verifyPassword(password, user.passwordHash);
    if (!ok || user === undefined) {
      return sendPage(res, loginPage({ email, next, error: "That email and password don't match an account." }), 401);
    }
    await req.sessions.signIn({ userId: user.id, tenantId: user.tenantId });
    res.redirect(303, next);
  });

  // No requireSession(): a device whose session already ended still gets its cookie cleared
  // and lands on the login page.
  router.post('/logout', async (req, res) => {
    const { global } = await req.sessions.signOut();
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
    await sessions.passwordReset(user.id, { tenantId: user.tenantId });
    accounts.setPasswordHash(user.id, passwordHash);
    res.redirect(303, '/login?notice=password-reset');
  });

  return router;
}
