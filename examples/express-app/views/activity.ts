import { formatLastUsed } from '../../../src/index.js';
import type { ActivityEntry } from '../activity.js';
import { html, type SafeHtml } from './html.js';

/** A sentence for an audit event; `nameOf` turns user ids into names. */
export function describeActivity(entry: ActivityEntry, nameOf: (userId: string) => string): string {
  const device = entry.detail ?? 'an unknown device';
  const count = Number(entry.detail ?? 0);
  const by = entry.by === null ? undefined : nameOf(entry.by);
  switch (entry.type) {
    case 'session.created':
      if (entry.reason === 'password_changed') return `Stayed signed in on ${device} with a fresh session after the password change`;
      if (entry.reason === 'email_changed') return `Stayed signed in on ${device} with a fresh session after the email change`;
      return `Signed in on ${device}`;
    case 'session.revoked':
      if (entry.reason === 'sign_out') return 'Signed out of one device';
      if (entry.reason === 'replaced') return 'An older session of the same browser was replaced';
      if (entry.reason === 'expired') return 'A session expired';
      return by === undefined ? 'Logged out one device from the device list' : `${by} logged out one device`;
    case 'user.session_invalidated':
      switch (entry.reason) {
        case 'sign_out_everywhere':
          return 'Signed out everywhere';
        case 'sign_out_others':
          return count === 1 ? 'Logged out 1 other device' : `Logged out ${count} other devices`;
        case 'global_logout':
          return 'Global logout: signing out ended every device';
        case 'password_changed':
          return 'Password changed: every other device signed out';
        case 'password_reset':
          return 'Password reset: every device signed out';
        case 'email_changed':
          return 'Email changed: every other device signed out';
        case 'admin':
          return `Signed out of every device by ${by ?? 'an administrator'}`;
        default:
          return `Sessions invalidated (${entry.reason})`;
      }
    case 'sessions.pruned':
      return `${count} expired sessions pruned`;
  }
}

/** The "Activity" list: what the session manager's audit events say, newest first. */
export function activityList(
  entries: readonly ActivityEntry[],
  options: { nameOf: (userId: string) => string; now: number; showWho?: boolean },
): SafeHtml {
  const { nameOf, now, showWho = false } = options;
  if (entries.length === 0) return html`<p class="muted empty">Nothing yet.</p>`;
  return html`<ol class="activity" data-testid="activity">
  ${entries.map(
    (entry) => html`<li class="activity-item activity-${entry.type.replace(/[^a-z]/g, '-')}">
    <div class="activity-text">
      ${showWho && entry.userId !== null ? html`<strong>${nameOf(entry.userId)}</strong> · ` : ''}${describeActivity(entry, nameOf)}
      <div class="activity-meta"><code class="event-type">${entry.type}</code> <code class="event-reason">${entry.reason}</code></div>
    </div>
    <time datetime="${new Date(entry.at).toISOString()}" class="muted">${formatLastUsed(entry.at, now)}</time>
  </li>`,
  )}
</ol>`;
}
