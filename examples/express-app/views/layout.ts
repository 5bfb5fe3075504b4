import { canManage } from '../../shared/demo-users.js';
import type { Tenant, User } from '../accounts.js';
import { html, initials, type SafeHtml } from './html.js';
import type { Notice } from './notices.js';

/** Who is looking at a signed-in page. */
export interface Viewer {
  readonly user: User;
  readonly tenant: Tenant;
  /** During support access ("View as"): the teammate viewing the app as {@link user}. */
  readonly supportBy?: User | undefined;
}

type Section = 'dashboard' | 'profile' | 'team' | 'settings';

const LOGO = html`<svg class="logo" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2 3 6.5v5.8c0 5 3.8 9.4 9 10.7 5.2-1.3 9-5.7 9-10.7V6.5L12 2Z" fill="currentColor"/><path d="M8.5 12.2 11 14.7l4.8-5" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

function document(title: string, bodyClass: string, content: SafeHtml, signedIn = false): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Keystone</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/styles.css">
<script src="/assets/app.js" defer></script>
${signedIn ? html`<script type="module" src="/assets/live.js"></script>` : ''}
</head>
<body class="${bodyClass}">
${content}
</body>
</html>`;
}

export function noticeBanner(notice: Notice | undefined): SafeHtml {
  return notice === undefined ? html`` : html`<div class="notice notice-${notice.tone}" role="status">${notice.text}</div>`;
}

function navLink(href: string, label: string, section: Section, active: Section | undefined): SafeHtml {
  return html`<a href="${href}" class="nav-link${section === active ? ' active' : ''}"${section === active ? html` aria-current="page"` : ''}>${label}</a>`;
}

/** The account menu in the top-right corner: profile links and the one-device "Sign out". */
function accountMenu({ user, tenant, supportBy }: Viewer): SafeHtml {
  return html`<details class="account-menu">
  <summary aria-label="Account menu">
    <span class="avatar">${initials(user.name)}</span>
    <span class="account-name">${user.name}</span>
    <svg class="chevron" viewBox="0 0 20 20" aria-hidden="true"><path d="m5 8 5 5 5-5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>
  </summary>
  <div class="menu" role="menu">
    <div class="menu-header">
      <strong>${user.name}</strong>
      <span>${user.email}</span>
      <span class="muted">${tenant.name}</span>
    </div>
    <a role="menuitem" href="/profile">Profile</a>
    ${canManage(user.role) ? html`<a role="menuitem" href="/team">Team</a><a role="menuitem" href="/settings">Settings</a>` : ''}
    ${
      supportBy === undefined
        ? html`<form method="post" action="/logout" class="menu-signout">
      <button type="submit" role="menuitem">Sign out</button>
    </form>`
        : html`<form method="post" action="/support-access/end" class="menu-signout">
      <button type="submit" role="menuitem">End support access</button>
    </form>`
    }
  </div>
</details>`;
}

/** Shown on every page during support access: whose account this is, who is looking, and the way back. */
function supportBanner({ user, supportBy }: Viewer): SafeHtml {
  if (supportBy === undefined) return html``;
  return html`<div class="support-banner" role="status" data-testid="support-banner">
  <span>You are viewing as ${user.name} — support access by ${supportBy.name}</span> ·
  <form method="post" action="/support-access/end"><button type="submit" class="link-button">End</button></form>
</div>`;
}

/** The shared confirmation dialog; app.js fills it from a form's data-confirm-* attributes. */
const CONFIRM_DIALOG = html`<dialog id="confirm-dialog" class="dialog" aria-labelledby="confirm-title">
  <form method="dialog">
    <h2 id="confirm-title" data-slot="title">Are you sure?</h2>
    <p data-slot="body"></p>
    <div class="dialog-actions">
      <button type="submit" value="cancel" class="button">Cancel</button>
      <button type="submit" value="confirm" class="button button-danger" data-slot="confirm">Confirm</button>
    </div>
  </form>
</dialog>`;

/** A page of the signed-in app: header with navigation and the account menu. */
export function appPage(options: { title: string; viewer: Viewer; active?: Section; notice?: Notice | undefined; content: SafeHtml }): SafeHtml {
  const { title, viewer, active, notice, content } = options;
  const manager = canManage(viewer.user.role);
  return document(
    title,
    'app',
    html`<header class="topbar">
  <div class="topbar-inner">
    <a href="/" class="brand">${LOGO}<span>Keystone</span><span class="tenant-chip">${viewer.tenant.name}</span></a>
    <nav class="nav" aria-label="Main">
      ${navLink('/', 'Dashboard', 'dashboard', active)}
      ${navLink('/profile', 'Profile', 'profile', active)}
      ${manager ? navLink('/team', 'Team', 'team', active) : ''}
      ${manager ? navLink('/settings', 'Settings', 'settings', active) : ''}
    </nav>
    ${accountMenu(viewer)}
  </div>
</header>
${supportBanner(viewer)}
<main class="container">
${noticeBanner(notice)}
${content}
</main>
${CONFIRM_DIALOG}`,
    // Signed-in pages listen for their session's end (live sign-out).
    true,
  );
}

/** A page outside the app (login, password reset): one centred card. */
export function publicPage(options: { title: string; notice?: Notice | undefined; content: SafeHtml; wide?: boolean }): SafeHtml {
  const { title, notice, content, wide = false } = options;
  return document(
    title,
    'public',
    html`<main class="auth${wide ? ' auth-wide' : ''}">
  <a href="/" class="brand brand-large">${LOGO}<span>Keystone</span></a>
  ${noticeBanner(notice)}
  ${content}
  <p class="footnote">A demo of <code>session-revocation</code>: sessions you can list and revoke.</p>
</main>`,
  );
}
