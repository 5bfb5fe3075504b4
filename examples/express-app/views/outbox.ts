import type { Email } from '../outbox.js';
import { html, type SafeHtml } from './html.js';
import { publicPage } from './layout.js';

/**
 * The demo's outbox: the emails a real app would have sent. Open to anyone, like the reset
 * link shown on the page: the demo has no mail server and no real addresses.
 */
export function outboxPage(options: { emails: readonly Email[] }): SafeHtml {
  const { emails } = options;
  return publicPage({
    title: 'Outbox',
    wide: true,
    content: html`<section class="card">
  <h1>Outbox</h1>
  <p class="muted">Demo: the emails Keystone would have sent, newest first. A sign-in from a device the person has not used lately sends one, with a "This wasn't me" link that works once; a session signed out because its cookie was used from two places sends one too.</p>
  ${
    emails.length === 0
      ? html`<p class="muted empty">No emails yet.</p>`
      : html`<ol class="outbox" data-testid="outbox">${emails.map(
          (email) => html`<li class="demo-mail" data-testid="email">
    <span class="demo-label">To ${email.to} · ${email.subject}</span>
    <p><span data-testid="email-text">${email.text}</span> — ${
      email.link === '/profile'
        ? html`<a href="${email.link}" data-testid="password-link">Change your password</a>`
        : html`<a href="${email.link}" data-testid="not-me-link">This wasn't me</a>`
    }</p>
  </li>`,
        )}</ol>`
  }
  <p class="form-footer"><a href="/login">Back to sign in</a></p>
</section>`,
  });
}
