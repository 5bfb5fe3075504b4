import { html, type SafeHtml } from './html.js';
import { publicPage } from './layout.js';

export function forgotPasswordPage(options: { email?: string } = {}): SafeHtml {
  return publicPage({
    title: 'Reset your password',
    content: html`<section class="card">
  <h1>Reset your password</h1>
  <p class="muted">Enter the email you sign in with. We'll send a link to choose a new password. Resetting signs you out of every device.</p>
  <form method="post" action="/forgot-password" class="form">
    <label>Email<input type="email" name="email" value="${options.email ?? ''}" autocomplete="username" required autofocus></label>
    <button type="submit" class="button button-primary button-block">Send reset link</button>
  </form>
  <p class="form-footer"><a href="/login">Back to sign in</a></p>
</section>`,
  });
}

/**
 * After a reset request. A real app emails the link; the demo has no mail server, so it shows
 * the link here (and says so).
 */
export function resetLinkSentPage(options: { link: string | undefined }): SafeHtml {
  const { link } = options;
  return publicPage({
    title: 'Check your email',
    content: html`<section class="card">
  <h1>Check your email</h1>
  <p>If an account exists for that address, a link to reset the password is on its way. It works once, for 30 minutes, and ends any link sent before it.</p>
  ${
    link === undefined
      ? ''
      : html`<div class="demo-mail">
    <span class="demo-label">Demo: the email we would send</span>
    <p>Someone asked to reset your Keystone password. Choose a new one here:</p>
    <a href="${link}" class="button button-primary" id="reset-link">Choose a new password</a>
  </div>`
  }
  <p class="form-footer"><a href="/login">Back to sign in</a></p>
</section>`,
  });
}

export function resetPasswordPage(options: { token: string; error?: string }): SafeHtml {
  const { token, error } = options;
  return publicPage({
    title: 'Choose a new password',
    content: html`<section class="card">
  <h1>Choose a new password</h1>
  <p class="muted">Saving it signs you out of every device, this one included. You'll then sign in with the new password.</p>
  ${error === undefined ? '' : html`<div class="notice notice-error" role="alert">${error}</div>`}
  <form method="post" action="/reset-password" class="form">
    <input type="hidden" name="token" value="${token}">
    <label>New password<input type="password" name="password" autocomplete="new-password" minlength="10" required autofocus></label>
    <label>Repeat new password<input type="password" name="confirm" autocomplete="new-password" minlength="10" required></label>
    <button type="submit" class="button button-primary button-block">Reset password and sign out everywhere</button>
  </form>
</section>`,
  });
}

export function resetLinkInvalidPage(): SafeHtml {
  return publicPage({
    title: 'Link expired',
    content: html`<section class="card">
  <h1>This link no longer works</h1>
  <p>Reset links work once, expire after 30 minutes, and end when a newer one is sent. Ask for a new one.</p>
  <p><a href="/forgot-password" class="button button-primary">Send a new link</a></p>
</section>`,
  });
}
