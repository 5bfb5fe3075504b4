import { Router } from 'express';
import { requireSession } from '../../../adapters/express/index.js';
import { CLIENT_SCRIPT } from '../assets/client.js';
import { FAVICON } from '../assets/favicon.js';
import { LIVE_SCRIPT, SESSION_CLIENT_SCRIPT } from '../assets/live.js';
import { STYLES } from '../assets/styles.js';
import { dashboardPage } from '../views/dashboard.js';
import { noticeFor } from '../views/notices.js';
import { outboxPage } from '../views/outbox.js';
import { nameLookup, sendPage, viewerOf, type Deps } from './context.js';

/** The dashboard and the static assets (stylesheet, script, icon). */
export function pageRoutes({ accounts, activity, outbox, clock }: Deps): Router {
  const router = Router();

  router.get('/assets/styles.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'no-cache').send(STYLES);
  });
  router.get('/assets/app.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'no-cache').send(CLIENT_SCRIPT);
  });
  router.get('/assets/live.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'no-cache').send(LIVE_SCRIPT);
  });
  router.get('/assets/session-client.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'no-cache').send(SESSION_CLIENT_SCRIPT);
  });
  // Browsers ask for /favicon.ico whatever the page says; both answer with the logo.
  for (const path of ['/assets/favicon.svg', '/favicon.ico']) {
    router.get(path, (_req, res) => {
      res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON);
    });
  }

  // The emails the demo would have sent (new sign-ins), for anyone: there is no mail server.
  router.get('/outbox', (_req, res) => sendPage(res, outboxPage({ emails: outbox.latest() })));

  router.get('/', requireSession(), async (req, res) => {
    const viewer = viewerOf(req, accounts);
    sendPage(
      res,
      dashboardPage({
        viewer,
        deviceCount: (await req.sessions.list()).length,
        activity: await activity.forUser(viewer.user.id, { tenantId: viewer.tenant.id, limit: 5 }),
        nameOf: nameLookup(accounts),
        now: clock(),
        notice: noticeFor(req.query.notice),
      }),
    );
  });

  return router;
}
