import type { FederatedIdentity, SessionView } from '../../../src/index.js';
import type { ActivityEntry } from '../activity.js';
import { FRESH_AGE_MINUTES, MAX_BROWSER_SESSIONS } from '../limits.js';
import { activityList } from './activity.js';
import { html, type SafeHtml } from './html.js';
import { appPage, type Viewer } from './layout.js';
import type { Notice } from './notices.js';

const ICONS = {
  mobile: html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="7" y="2.5" width="10" height="19" rx="2.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M11 18.5h2" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>`,
  tablet: html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="4.5" y="2.5" width="15" height="19" rx="2.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M11 18.5h2" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>`,
  desktop: html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3.5" y="4.5" width="17" height="11.5" rx="1.6" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M2 19.5h20" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>`,
};

function deviceIcon(deviceType: string | undefined): SafeHtml {
  return deviceType === 'mobile' ? ICONS.mobile : deviceType === 'tablet' ? ICONS.tablet : ICONS.desktop;
}

function sessionRow(view: SessionView, nameOf: (userId: string) => string): SafeHtml {
  // A teammate's "View as" is listed as support access, with their name rather than their id.
  const label = view.impersonatorId === undefined ? view.deviceLabel : `Support access by ${nameOf(view.impersonatorId)}`;
  return html`<li class="session-row${view.current ? ' is-current' : ''}" data-testid="session-row" data-session-id="${view.id}">
  <span class="device-icon">${deviceIcon(view.deviceType)}</span>
  <div class="session-text">
    <span class="device-label">${label}</span>
    <span class="muted last-used">${view.current ? 'Active now' : `Last used: ${view.lastUsed}`}</span>
    ${view.federated === undefined ? '' : html`<span class="muted federated-origin">Signed in through the identity provider</span>`}
  </div>
  <div class="session-status">
    ${
      view.current
        ? html`<span class="badge badge-current">Current session</span>`
        : html`<form method="post" action="/profile/sessions/${encodeURIComponent(view.id)}/log-out">
      <button type="submit" class="button button-small" aria-label="Log out ${label}">Log out</button>
    </form>`
    }
  </div>
</li>`;
}

function loginManagement(views: readonly SessionView[], nameOf: (userId: string) => string): SafeHtml {
  const others = views.filter((view) => !view.current).length;
  return html`<section class="card" id="login-management" aria-labelledby="login-management-title">
  <div class="card-header">
    <h2 id="login-management-title">Login management</h2>
    <p class="muted">Every device signed in to your account, with when it was last used. Log out any device you don't recognise. At most ${MAX_BROWSER_SESSIONS} browsers stay signed in: signing in on another one signs out the one used least recently. Logging out devices asks for your password again when you last typed it more than ${FRESH_AGE_MINUTES} minutes ago.</p>
  </div>
  <ul class="session-list">
    ${views.map((view) => sessionRow(view, nameOf))}
  </ul>
  <div class="card-footer">
    <form method="post" action="/profile/sessions/log-out-others"
      data-confirm-title="Log out other devices?"
      data-confirm-body="Every device except this one will be signed out. You stay signed in here."
      data-confirm-action="Log out other devices">
      <button type="submit" class="button" ${others === 0 ? 'disabled' : ''}>Log out other devices</button>
    </form>
    <span class="muted">${others === 0 ? 'No other device is signed in.' : `${others} other ${others === 1 ? 'device is' : 'devices are'} signed in.`}</span>
  </div>
</section>`;
}

/** What the Profile page shows of a session that came from the identity provider (`--idp`). */
export interface ProviderOrigin {
  /** The current session's `federated` link, as `list()` shows it. */
  readonly federated: FederatedIdentity;
  /** Whether "Sign out at the provider" can work: the session's ID token is from the provider running now. */
  readonly canSignOutThere: boolean;
}

function identityProviderCard({ federated, canSignOutThere }: ProviderOrigin): SafeHtml {
  return html`<section class="card" id="identity-provider" aria-labelledby="identity-provider-title" data-testid="identity-provider">
  <div class="card-header">
    <h2 id="identity-provider-title">Identity provider</h2>
    <p class="muted">This session came from the identity provider at <code data-testid="idp-issuer">${federated.iss}</code>: you signed in there as <strong>${federated.sub}</strong>${federated.sid === undefined ? '' : html`, in its session <code>${federated.sid}</code>`}. When that session ends at the provider, the provider tells Keystone over its back-channel, and this session ends too.</p>
  </div>
  ${
    canSignOutThere
      ? html`<div class="card-footer">
    <form method="post" action="/profile/sign-out-at-provider">
      <button type="submit" class="button">Sign out at the provider</button>
    </form>
    <span class="muted">You confirm on the provider's page. Keystone does not sign you out itself: the provider's back-channel request does, and every open Keystone page of this session goes to the login page.</span>
  </div>`
      : html`<p class="muted">That provider is not the one running now (the demo was restarted since): sign out from the account menu instead.</p>`
  }
</section>`;
}

function emailCard(options: { email: string; error?: string | undefined }): SafeHtml {
  return html`<section class="card" id="email" aria-labelledby="email-title">
  <div class="card-header">
    <h2 id="email-title">Email address</h2>
    <p class="muted">You sign in with <strong>${options.email}</strong>. Changing it signs out every other device. This device stays signed in.</p>
  </div>
  ${options.error === undefined ? '' : html`<div class="notice notice-error" role="alert">${options.error}</div>`}
  <form method="post" action="/profile/email" class="form form-narrow">
    <label>New email address<input type="email" name="email" autocomplete="email" maxlength="254" required></label>
    <label>Current password<input type="password" name="current" autocomplete="current-password" required></label>
    <div><button type="submit" class="button button-primary">Change email</button></div>
  </form>
</section>`;
}

function passwordCard(options: { error?: string | undefined; keepsThisDevice: boolean }): SafeHtml {
  return html`<section class="card" id="password" aria-labelledby="password-title">
  <div class="card-header">
    <h2 id="password-title">Password</h2>
    <p class="muted">${
      options.keepsThisDevice
        ? 'Changing your password signs out every other device. This device stays signed in.'
        : 'Changing your password signs out every device, this one included.'
    }</p>
  </div>
  ${options.error === undefined ? '' : html`<div class="notice notice-error" role="alert">${options.error}</div>`}
  <form method="post" action="/profile/password" class="form form-narrow">
    <label>Current password<input type="password" name="current" autocomplete="current-password" required></label>
    <label>New password<input type="password" name="password" autocomplete="new-password" minlength="10" required></label>
    <label>Repeat new password<input type="password" name="confirm" autocomplete="new-password" minlength="10" required></label>
    <div><button type="submit" class="button button-primary">Change password</button></div>
  </form>
</section>`;
}

function sessionsCard(): SafeHtml {
  return html`<section class="card card-danger" id="sessions" aria-labelledby="sessions-title">
  <div class="card-header">
    <h2 id="sessions-title">Sessions</h2>
    <p>Lost a device, or think someone else used your account? Sign out of every browser and device where you're logged in, <strong>including this one</strong>. Everyone else in your organization stays signed in.</p>
  </div>
  <form method="post" action="/profile/sign-out-everywhere"
    data-confirm-title="Sign out of every device?"
    data-confirm-body="Every device signed in to your account will be signed out, this one too. You'll be sent to the login page and need to sign in again."
    data-confirm-action="Sign out everywhere">
    <button type="submit" class="button button-danger">Sign out everywhere</button>
  </form>
</section>`;
}

export function profilePage(options: {
  viewer: Viewer;
  sessions: readonly SessionView[];
  activity: readonly ActivityEntry[];
  nameOf: (userId: string) => string;
  now: number;
  keepsThisDevice: boolean;
  /** When this session came from the identity provider. */
  providerOrigin?: ProviderOrigin | undefined;
  notice?: Notice | undefined;
  passwordError?: string | undefined;
  emailError?: string | undefined;
}): SafeHtml {
  const { viewer, sessions, activity, nameOf, now, keepsThisDevice, providerOrigin, notice, passwordError, emailError } = options;
  return appPage({
    title: 'Profile',
    viewer,
    active: 'profile',
    notice,
    content: html`<div class="page-header">
  <h1>Profile</h1>
  <p class="muted">${viewer.user.name} · ${viewer.user.email} · ${viewer.tenant.name}</p>
</div>
${loginManagement(sessions, nameOf)}
${providerOrigin === undefined ? '' : identityProviderCard(providerOrigin)}
${emailCard({ email: viewer.user.email, error: emailError })}
${passwordCard({ error: passwordError, keepsThisDevice })}
<section class="card" id="activity" aria-labelledby="activity-title">
  <div class="card-header">
    <h2 id="activity-title">Activity</h2>
    <p class="muted">Sign-ins and sign-outs on your account, as the audit log records them.</p>
  </div>
  ${activityList(activity, { nameOf, now })}
</section>
${sessionsCard()}`,
  });
}
