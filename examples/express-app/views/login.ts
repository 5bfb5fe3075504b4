import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS } from '../../shared/demo-users.js';
import { FRESH_AGE_MINUTES } from '../limits.js';
import { html, type SafeHtml } from './html.js';
import { publicPage } from './layout.js';
import type { Notice } from './notices.js';

const tenantName = (id: string): string => DEMO_TENANTS.find((tenant) => tenant.id === id)?.name ?? id;
const roleName = (role: string): string => role[0]!.toUpperCase() + role.slice(1);

function demoAccounts(): SafeHtml {
  return html`<section class="card demo-accounts" aria-labelledby="demo-accounts-title">
  <h2 id="demo-accounts-title">Demo accounts</h2>
  <p class="muted">Every account's password is <code class="password">${DEMO_PASSWORD}</code>. Sign in as the same person in two different browsers, or on a laptop and a phone, to see both devices listed. A private window of this browser counts as the same device: its sign-in replaces this one's session.</p>
  <table class="table">
    <thead><tr><th>Email</th><th>Name</th><th>Role</th><th><span class="visually-hidden">Fill in</span></th></tr></thead>
    <tbody>
      ${DEMO_USERS.map(
        (user) => html`<tr>
        <td><code>${user.email}</code></td>
        <td>${user.name}</td>
        <td>${roleName(user.role)}, ${tenantName(user.tenantId)}</td>
        <td class="align-end"><button type="button" class="button button-small" data-fill-email="${user.email}" data-fill-password="${DEMO_PASSWORD}">Use</button></td>
      </tr>`,
      )}
    </tbody>
  </table>
</section>`;
}

/**
 * "Sign in with the identity provider" (`npm run demo -- --idp`): a form, like every action of
 * the demo, whose answer is a redirect to the provider's login page.
 */
function identityProviderSignIn(next: string): SafeHtml {
  return html`<div class="auth-divider"><span>or</span></div>
    <form method="post" action="/login/idp" class="form">
      <input type="hidden" name="next" value="${next}">
      <button type="submit" class="button button-block">Sign in with the identity provider</button>
    </form>
    <p class="muted idp-hint">The demo's own OpenID provider: type a demo account's email on its login page, with any password (its development login checks none), then allow Keystone on its consent page.</p>`;
}

export function loginPage(options: { email?: string; next?: string; error?: string; notice?: Notice | undefined; identityProvider?: boolean }): SafeHtml {
  const { email = '', next = '', error, notice, identityProvider = false } = options;
  return publicPage({
    title: 'Sign in',
    notice,
    wide: true,
    content: html`<div class="auth-grid">
  <section class="card">
    <h1>Sign in</h1>
    <p class="muted">Welcome back. Sign in to your Keystone workspace.</p>
    ${error === undefined ? '' : html`<div class="notice notice-error" role="alert">${error}</div>`}
    <form method="post" action="/login" class="form" id="login-form">
      <input type="hidden" name="next" value="${next}">
      <label>Email<input type="email" name="email" value="${email}" autocomplete="username" required autofocus></label>
      <label>Password<input type="password" name="password" autocomplete="current-password" required></label>
      <label class="check"><input type="checkbox" name="remember" value="on" checked>Keep me signed in</label>
      <p class="muted form-hint">Untick on a shared computer: closing the browser then signs you out.</p>
      <button type="submit" class="button button-primary button-block">Sign in</button>
    </form>
    ${identityProvider ? identityProviderSignIn(next) : ''}
    <p class="form-footer"><a href="/forgot-password">Forgot password?</a></p>
  </section>
  ${demoAccounts()}
</div>`,
  });
}

/**
 * "Confirm it's you": where a signed-in user whose password is too old for a sensitive action
 * (logging out other devices, changing the email or password) types it again, then goes back
 * to `next`. Only the password: the account is the one signed in.
 */
export function reauthPage(options: { email: string; next: string; error?: string }): SafeHtml {
  const { email, next, error } = options;
  return publicPage({
    title: "Confirm it's you",
    content: html`<section class="card">
  <h1>Confirm it's you</h1>
  <p class="muted">Logging out other devices and changing your email or password need your password from the last ${FRESH_AGE_MINUTES} minutes. Enter it again to continue as <strong data-testid="reauth-email">${email}</strong>.</p>
  ${error === undefined ? '' : html`<div class="notice notice-error" role="alert">${error}</div>`}
  <form method="post" action="/login" class="form" id="reauth-form">
    <input type="hidden" name="reauth" value="1">
    <input type="hidden" name="next" value="${next}">
    <input type="email" name="email" value="${email}" autocomplete="username" hidden>
    <label>Password<input type="password" name="password" autocomplete="current-password" required autofocus></label>
    <p class="muted form-hint">In this demo the password is <code class="password">${DEMO_PASSWORD}</code>.</p>
    <button type="submit" class="button button-primary button-block">Confirm</button>
  </form>
  <p class="form-footer"><a href="${next}">Cancel</a></p>
</section>`,
  });
}
