import { Router, type Request } from 'express';
import { requireFresh, requireSession } from '../../../adapters/express/index.js';
import { hashPassword, verifyPassword } from '../../shared/passwords.js';
import { noticeFor } from '../views/notices.js';
import { providerSignInOf } from './federated.js';
import { refuseDuringSupportAccess } from './support.js';
import { profilePage } from '../views/profile.js';
import { emailProblem, field, nameLookup, passwordProblem, sendPage, viewerOf, type Deps } from './context.js';

/** The Profile page: Login management, Email, Password, Activity and the red Sessions card. */
export function profileRoutes(deps: Deps): Router {
  const { accounts, activity, keepsThisDevice, clock, federatedSignIn, resetLinks } = deps;
  const router = Router();
  router.use('/profile', requireSession());

  const render = async (req: Request, errors: { password?: string; email?: string } = {}) => {
    const viewer = viewerOf(req, accounts);
    const sessions = await req.sessions.list();
    const federated = sessions.find((view) => view.current)?.federated;
    return profilePage({
      viewer,
      sessions,
      providerOrigin: federated === undefined ? undefined : { federated, canSignOutThere: providerSignInOf(req.sessions.current, federatedSignIn?.issuer) !== undefined },
      activity: await activity.forUser(viewer.user.id, { tenantId: viewer.tenant.id, limit: 10 }),
      nameOf: nameLookup(accounts),
      now: clock(),
      keepsThisDevice,
      notice: errors.password === undefined && errors.email === undefined ? noticeFor(req.query.notice) : undefined,
      passwordError: errors.password,
      emailError: errors.email,
    });
  };

  router.get('/profile', async (req, res) => sendPage(res, await render(req)));

  // Someone at an unlocked computer must not lock the owner out or take the account over:
  // ending other sessions and changing the email or password need the password typed within
  // the manager's freshAge. An older session is sent to "Confirm it's you" (/login?reauth=1),
  // then back to this page, where the user clicks again.
  // During support access ("View as") they are refused outright, and so is signing out everywhere.
  router.post(['/profile/sessions/log-out-others', '/profile/sessions/:id/log-out', '/profile/password', '/profile/email', '/profile/sign-out-everywhere'], refuseDuringSupportAccess(deps));
  router.post(['/profile/sessions/log-out-others', '/profile/sessions/:id/log-out', '/profile/password', '/profile/email', '/profile/sign-out-everywhere'], requireFresh());

  router.post('/profile/sessions/log-out-others', async (req, res) => {
    await req.sessions.signOutOthers();
    res.redirect(303, '/profile?notice=others-logged-out');
  });

  router.post('/profile/sessions/:id/log-out', async (req, res) => {
    const revoked = await req.sessions.revoke(req.params.id);
    res.redirect(303, `/profile?notice=${revoked ? 'device-logged-out' : 'device-gone'}`);
  });

  router.post('/profile/sign-out-everywhere', async (req, res) => {
    await req.sessions.signOutEverywhere();
    res.redirect(303, '/login?notice=signed-out-everywhere');
  });

  router.post('/profile/password', async (req, res) => {
    const { user } = viewerOf(req, accounts);
    if (!(await verifyPassword(field(req, 'current'), user.passwordHash))) {
      return sendPage(res, await render(req, { password: 'Your current password is not right.' }), 422);
    }
    const problem = passwordProblem(field(req, 'password'), field(req, 'confirm'));
    if (problem !== undefined) return sendPage(res, await render(req, { password: problem }), 422);
    const passwordHash = await hashPassword(field(req, 'password'));
    // The password first: a sign-in that checked the old one and lands after the other devices
    // are signed out finds it changed and ends itself (this one keeps a fresh cookie unless "all").
    accounts.setPasswordHash(user.id, passwordHash);
    resetLinks.forgetUser(user.id);
    const { token } = await req.sessions.passwordChanged();
    res.redirect(303, token === undefined ? '/login?notice=password-changed-everywhere' : '/profile?notice=password-changed');
  });

  router.post('/profile/email', async (req, res) => {
    const { user } = viewerOf(req, accounts);
    const email = field(req, 'email').trim();
    if (!(await verifyPassword(field(req, 'current'), user.passwordHash))) {
      return sendPage(res, await render(req, { email: 'Your current password is not right.' }), 422);
    }
    const problem = emailProblem(email, user.email, accounts);
    if (problem !== undefined) return sendPage(res, await render(req, { email: problem }), 422);
    // The address first, as the password above. Links mailed to the old address: whoever still
    // reads it must not reset the password.
    accounts.setEmail(user.id, email);
    resetLinks.forgetUser(user.id);
    await req.sessions.emailChanged();
    res.redirect(303, '/profile?notice=email-changed');
  });

  return router;
}
