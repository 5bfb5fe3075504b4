import { canManage } from '../../shared/demo-users.js';
import type { ActivityEntry } from '../activity.js';
import { activityList } from './activity.js';
import { html, type SafeHtml } from './html.js';
import { appPage, type Viewer } from './layout.js';
import type { Notice } from './notices.js';

export function dashboardPage(options: {
  viewer: Viewer;
  deviceCount: number;
  activity: readonly ActivityEntry[];
  nameOf: (userId: string) => string;
  now: number;
  notice?: Notice | undefined;
}): SafeHtml {
  const { viewer, deviceCount, activity, nameOf, now, notice } = options;
  const firstName = viewer.user.name.split(' ')[0];
  return appPage({
    title: 'Dashboard',
    viewer,
    active: 'dashboard',
    notice,
    content: html`<div class="page-header">
  <h1>Welcome back, ${firstName}</h1>
  <p class="muted">${viewer.tenant.name} workspace · ${viewer.user.role[0]!.toUpperCase() + viewer.user.role.slice(1)}</p>
</div>
<div class="grid">
  <section class="card stat">
    <span class="stat-label">Signed-in devices</span>
    <span class="stat-value" data-testid="device-count">${deviceCount}</span>
    <a href="/profile#login-management">Manage devices</a>
  </section>
  <section class="card stat">
    <span class="stat-label">Global logout</span>
    <span class="stat-value">${viewer.tenant.globalLogout ? 'On' : 'Off'}</span>
    ${
      canManage(viewer.user.role)
        ? html`<a href="/settings">Change in Settings</a>`
        : html`<span class="muted">Set by your organization's admins</span>`
    }
  </section>
  <section class="card stat">
    <span class="stat-label">Session lifetime</span>
    <span class="stat-value">30 days</span>
    <span class="muted">Then you sign in again</span>
  </section>
</div>
<section class="card">
  <div class="card-header">
    <h2>Recent activity</h2>
    <p class="muted">Audit events of your account. <a href="/profile#activity">See all on your profile</a>.</p>
  </div>
  ${activityList(activity, { nameOf, now })}
</section>`,
  });
}
