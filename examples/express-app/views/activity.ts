import { formatLastUsed } from '../../../src/index.js';
import type { ActivityEntry } from '../activity.js';
import { html, type SafeHtml } from './html.js';

/** What happened when a rotated-out cookie came back (`token_reused`), and what to do: on the Security page and in the alert email. */
export function reusedSentence(device: string): string {
  return `Your session on ${device} was used from two places, so we signed it out. If this wasn't you, change your password.`;
}

/** A sentence for an activity entry; `nameOf` turns user ids into names. */
export function describeActivity(entry: ActivityEntry, nameOf: (userId: string) => string): string {
  const device = entry.device ?? 'an unknown device';
  const by = entry.by === null ? undefined : nameOf(entry.by);
  switch (entry.type) {
    case 'session.created':
      if (entry.reason === 'impersonation') return `Support access by ${by ?? 'a teammate'} began`;
      if (entry.reason === 'password_changed') return `Stayed signed in on ${device} with a fresh session after the password change`;
      if (entry.reason === 'email_changed') return `Stayed signed in on ${device} with a fresh session after the email change`;
      return `Signed in on ${device}`;
    case 'session.reauthenticated':
      return `Confirmed the password on ${device}`;
    case 'session.reused':
      return reusedSentence(device);
    case 'session.revoked':
      if (entry.reason === 'support_access_ended') return `Support access by ${by ?? 'a teammate'} ended`;
      if (entry.reason === 'not_me') return `Signed out ${entry.device ?? 'a device'} from a "This wasn't me" link`;
      if (entry.reason === 'token_reused') return reusedSentence(device);
      if (entry.reason === 'sign_out') return by === undefined ? 'Signed out of one device' : `${by} signed out of one device`;
      if (entry.reason === 'session_limit') return 'Signed in on one device too many: the least recently used one was signed out';
      if (entry.reason === 'replaced') return 'Signed in again on the same browser, ending its previous session there';
      if (entry.reason === 'idp_logout') return `Signed out at the identity provider, which ended the session on ${device}`;
      if (entry.reason === 'security_event') return `Signed out by your identity provider's security alert, which ended the session on ${device}`;
      return by === undefined ? 'Logged out one device from the device list' : `${by} logged out one device`;
    case 'user.session_invalidated':
      switch (entry.reason) {
        case 'sign_out_everywhere':
          return 'Signed out everywhere';
        case 'sign_out_others':
          return by === undefined ? 'Logged out every other device' : `${by} logged out every other device`;
        case 'global_logout':
          return 'Global logout: signing out ended every device';
        case 'password_changed':
          return 'Password changed: every other device signed out';
        case 'password_reset':
          return 'Password reset: every device signed out';
        case 'email_changed':
          return 'Email changed: every other device signed out';
        case 'not_me':
          return 'Signed out of every device from a "This wasn\'t me" link';
        case 'admin':
          return `Signed out of every device by ${by ?? 'an administrator'}`;
        case 'security_event':
          return "Signed out of every device by your identity provider's security alert";
        case 'admin_api_tokens':
          return `API tokens revoked by ${by ?? 'an administrator'}`;
        default:
          return `Sessions invalidated (${entry.reason})`;
      }
    case 'tenant.sessions_invalidated':
      return `Everyone in the organization was signed out by ${by ?? 'an administrator'}`;
    default:
      return `${entry.type} (${entry.reason})`;
  }
}

/** One line of the Activity list: an event, or a run of identical ones shown once. */
interface ActivityLine {
  readonly entry: ActivityEntry;
  readonly text: string;
  readonly count: number;
}

const isReplacement = (entry: ActivityEntry | undefined): entry is ActivityEntry =>
  entry !== undefined && entry.type === 'session.revoked' && entry.reason === 'replaced';

/**
 * Turns events into lines a person reads at a glance. Signing in again from the same browser
 * ends its previous session: the manager reports a `replaced` revocation and the sign-in at the
 * same instant, shown as one line. Then identical consecutive lines (the same person signing in
 * again and again) are shown once, with how many times.
 */
function activityLines(stored: readonly ActivityEntry[], nameOf: (userId: string) => string, showWho: boolean): ActivityLine[] {
  // The store lists a sign-in's `replaced` entry just before the sign-in itself (its id is the
  // sign-in's id plus a suffix): put the sign-in first, so the two read as one line.
  const entries = [...stored];
  for (let index = 0; index + 1 < entries.length; index += 1) {
    const [first, second] = [entries[index]!, entries[index + 1]!];
    if (isReplacement(first) && second.type === 'session.created' && second.userId === first.userId && second.at === first.at) {
      entries[index] = second;
      entries[index + 1] = first;
      index += 1;
    }
  }
  const lines: ActivityLine[] = [];
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index]!;
    const older = entries[index + 1];
    const folds = entry.type === 'session.created' && isReplacement(older) && older.userId === entry.userId && older.at === entry.at;
    const text = folds
      ? `Signed in again on ${entry.device ?? 'an unknown device'}, ending its previous session there`
      : isReplacement(entry)
        ? 'Signed in again on the same browser, ending its previous session there'
        : describeActivity(entry, nameOf);
    if (folds) index += 1;
    const previous = lines.at(-1);
    const sameAsPrevious =
      previous !== undefined && previous.text === text && previous.entry.type === entry.type && (!showWho || previous.entry.userId === entry.userId);
    if (sameAsPrevious) lines[lines.length - 1] = { ...previous, count: previous.count + 1 };
    else lines.push({ entry, text, count: 1 });
  }
  return lines;
}

// The line under the sentence: the device (unless the sentence named it already) and the
// address the entry names; an entry with neither (a tenant-wide sign-out) has none.
function activityMeta(entry: ActivityEntry, text: string): SafeHtml | '' {
  const device = entry.device === null || text.includes(entry.device) ? '' : html`<span class="activity-device">${entry.device}</span>`;
  const place = entry.ip === null ? '' : html`<span class="activity-place">from ${entry.ip}</span>`;
  if (device === '' && place === '') return '';
  return html`<div class="activity-meta muted">${device}${device !== '' && place !== '' ? ' · ' : ''}${place}</div>`;
}

/** The "Activity" list: the account activity the store keeps, newest first. */
export function activityList(
  entries: readonly ActivityEntry[],
  options: { nameOf: (userId: string) => string; now: number; showWho?: boolean },
): SafeHtml {
  const { nameOf, now, showWho = false } = options;
  if (entries.length === 0) return html`<p class="muted empty">Nothing yet.</p>`;
  return html`<ol class="activity" data-testid="activity">
  ${activityLines(entries, nameOf, showWho).map(
    ({ entry, text, count }) => html`<li class="activity-item activity-${entry.type.replace(/[^a-z]/g, '-')}">
    <div class="activity-text">
      ${showWho && entry.userId !== null ? html`<strong>${nameOf(entry.userId)}</strong> · ` : ''}${text}${count > 1 ? html` <span class="badge" title="The same event, ${count} times in a row">${count} times</span>` : ''}
      ${activityMeta(entry, text)}
    </div>
    <time datetime="${new Date(entry.at).toISOString()}" title="${new Date(entry.at).toUTCString()}" class="muted">${formatLastUsed(entry.at, now)}</time>
  </li>`,
  )}
</ol>`;
}
