import type { ActivityEntry } from '../activity.js';
import type { User } from '../accounts.js';
import { FRESH_AGE_MINUTES } from '../limits.js';
import { activityList } from './activity.js';
import { html, initials, type SafeHtml } from './html.js';
import { appPage, type Viewer } from './layout.js';
import type { Notice } from './notices.js';

/** One teammate with what the session manager knows about their devices. */
export interface TeamMember {
  readonly user: User;
  readonly deviceCount: number;
  readonly lastUsed: string | undefined;
  /** Whether the viewer may sign this person out. */
  readonly canSignOut: boolean;
  /** Whether the viewer (an owner) may view the app as this person: support access. */
  readonly canViewAs: boolean;
}

function memberRow(member: TeamMember, viewer: Viewer): SafeHtml {
  const { user } = member;
  const you = user.id === viewer.user.id;
  return html`<tr data-testid="member-row" data-user-id="${user.id}">
  <td>
    <div class="person">
      <span class="avatar avatar-small">${initials(user.name)}</span>
      <div><strong>${user.name}</strong>${you ? html` <span class="badge">You</span>` : ''}<div class="muted">${user.email}</div></div>
    </div>
  </td>
  <td><span class="role role-${user.role}">${user.role}</span></td>
  <td data-testid="member-devices">${member.deviceCount === 0 ? html`<span class="muted">Signed out</span>` : `${member.deviceCount} ${member.deviceCount === 1 ? 'device' : 'devices'}`}</td>
  <td class="muted">${member.lastUsed ?? '—'}</td>
  <td class="align-end">${
    member.canViewAs
      ? html`<form method="post" action="/team/${encodeURIComponent(user.id)}/view-as" class="inline-form">
        <button type="submit" class="button button-small button-ghost" aria-label="View as ${user.name}">View as</button>
      </form>`
      : ''
  }${
    member.canSignOut
      ? html`<div class="row-actions">${
          member.deviceCount > 0
            ? html`<form method="post" action="/team/${encodeURIComponent(user.id)}/sign-out"
        data-confirm-title="Sign ${user.name} out of every device?"
        data-confirm-body="Every browser and remember-me session of ${user.name} ends on its next request. They can sign in again with their password. Their API tokens keep working."
        data-confirm-action="Sign out everywhere">
        <button type="submit" class="button button-small button-danger-outline">Sign out everywhere</button>
      </form>`
            : ''
        }<form method="post" action="/team/${encodeURIComponent(user.id)}/revoke-api-tokens"
        data-confirm-title="Revoke every API token of ${user.name}?"
        data-confirm-body="Scripts and integrations using ${user.name}'s API tokens are refused from their next request. Their browser sessions are not affected."
        data-confirm-action="Revoke API tokens">
        <button type="submit" class="button button-small button-ghost">Revoke API tokens</button>
      </form></div>`
      : ''
  }</td>
</tr>`;
}

export function teamPage(options: {
  viewer: Viewer;
  members: readonly TeamMember[];
  activity: readonly ActivityEntry[];
  nameOf: (userId: string) => string;
  now: number;
  notice?: Notice | undefined;
}): SafeHtml {
  const { viewer, members, activity, nameOf, now, notice } = options;
  return appPage({
    title: 'Team',
    viewer,
    active: 'team',
    notice,
    content: html`<div class="page-header">
  <h1>Team</h1>
  <p class="muted">People in ${viewer.tenant.name}. "Sign out everywhere" ends a teammate's browser and remember-me sessions on every device at once; "Revoke API tokens" ends only the tokens their scripts and integrations use; both ask for your password again when you last typed it more than ${FRESH_AGE_MINUTES} minutes ago. An owner can "View as" a teammate to see what they see: a support session of an hour at most, listed on their Security page, which cannot change their password or email or sign devices out.</p>
</div>
<section class="card card-flush">
  <table class="table">
    <thead><tr><th>Person</th><th>Role</th><th>Signed in on</th><th>Last active</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${members.map((member) => memberRow(member, viewer))}</tbody>
  </table>
</section>
<section class="card">
  <div class="card-header">
    <h2>Team activity</h2>
    <p class="muted">Audit events of everyone in ${viewer.tenant.name}.</p>
  </div>
  ${activityList(activity, { nameOf, now, showWho: true })}
</section>`,
  });
}
