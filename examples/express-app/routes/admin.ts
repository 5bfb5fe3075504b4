import { Router, type RequestHandler } from 'express';
import { requireFresh, requireSession } from '../../../adapters/express/index.js';
import { canManage } from '../../shared/demo-users.js';
import type { User } from '../accounts.js';
import { errorPage } from '../views/errors.js';
import type { Viewer } from '../views/layout.js';
import { noticeFor } from '../views/notices.js';
import { settingsPage } from '../views/settings.js';
import { teamPage, type TeamMember } from '../views/team.js';
import { field, managersOnly, nameLookup, sendPage, viewerOf, type Deps } from './context.js';
import { refuseDuringSupportAccess } from './support.js';

/** Owners sign anyone else out; admins sign out members. Nobody does it to themselves here, nor during support access (it would be logged as the teammate's). */
function maySignOut(viewer: Viewer, member: User): boolean {
  if (viewer.supportBy !== undefined || member.id === viewer.user.id || member.tenantId !== viewer.user.tenantId || !canManage(viewer.user.role)) return false;
  return viewer.user.role === 'owner' || member.role === 'member';
}

/** Owners may view the app as anyone else of their tenant ("View as", support access). */
function mayViewAs(viewer: Viewer, member: User): boolean {
  return viewer.user.role === 'owner' && viewer.supportBy === undefined && member.id !== viewer.user.id && member.tenantId === viewer.user.tenantId;
}

/** Settings (the tenant's "Enable global logout") and Team (sign a teammate out everywhere). */
export function adminRoutes({ sessions, accounts, activity, clock }: Deps): Router {
  const router = Router();
  for (const path of ['/settings', '/team']) router.use(path, requireSession(), managersOnly(accounts));

  router.get('/settings', (req, res) => {
    sendPage(res, settingsPage({ viewer: viewerOf(req, accounts), notice: noticeFor(req.query.notice) }));
  });

  // The manager's globalLogout policy reads this setting at each sign-out: no restart, no cache.
  router.post('/settings', refuseDuringSupportAccess({ accounts }), (req, res) => {
    const { tenant } = viewerOf(req, accounts);
    accounts.setGlobalLogout(tenant.id, field(req, 'globalLogout') === 'on');
    res.redirect(303, '/settings?notice=settings-saved');
  });

  router.get('/team', async (req, res) => {
    const viewer = viewerOf(req, accounts);
    const members: TeamMember[] = await Promise.all(
      accounts.usersOf(viewer.tenant.id).map(async (user) => {
        const devices = await sessions.list(user.id);
        return { user, deviceCount: devices.length, lastUsed: devices[0]?.lastUsed, canSignOut: maySignOut(viewer, user), canViewAs: mayViewAs(viewer, user) };
      }),
    );
    sendPage(
      res,
      teamPage({
        viewer,
        members,
        activity: await activity.forTeam(viewer.tenant.id, accounts.usersOf(viewer.tenant.id).map((user) => user.id), 12),
        nameOf: nameLookup(accounts),
        now: clock(),
        notice: noticeFor(req.query.notice),
      }),
    );
  });

  // Two separate actions, each saying what it ends: "Sign out everywhere" ends the browser and
  // remember-me sessions (what a person thinks of as their devices); API tokens, used by
  // scripts and integrations, are revoked only when the admin asks for that by name.
  const teammateActions = [
    { path: 'sign-out', kinds: ['browser', 'remember'], reason: 'admin', notice: 'member-signed-out' },
    { path: 'revoke-api-tokens', kinds: ['api'], reason: 'admin_api_tokens', notice: 'member-api-tokens-revoked' },
  ] as const;
  const teammateOnly: RequestHandler = (req, res, next) => {
    const member = accounts.userById(String(req.params['userId']));
    if (member !== undefined && maySignOut(viewerOf(req, accounts), member)) return next();
    sendPage(res, errorPage('Not found', 'There is no teammate you can sign out at that address.'), 404);
  };
  // Ending someone else's sessions is at least as sensitive as ending one's own other devices:
  // an admin's unattended or stolen session must not sign the whole team out.
  for (const action of teammateActions) {
    router.post(`/team/:userId/${action.path}`, teammateOnly, requireFresh(), async (req, res) => {
      const viewer = viewerOf(req, accounts);
      const member = accounts.userById(String(req.params['userId']))!;
      await sessions.revokeAll(member.id, { kinds: action.kinds, by: viewer.user.id, reason: action.reason, tenantId: member.tenantId });
      res.redirect(303, `/team?notice=${action.notice}`);
    });
  }

  return router;
}
