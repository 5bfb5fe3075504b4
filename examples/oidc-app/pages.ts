import type { SessionView } from 'session-revocation';

// The app's three pages, as plain HTML strings. Every value from a request or the store goes
// through `escape`: a device label comes from the User-Agent, which anyone can set.

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}li{margin:.5rem 0}form{display:inline}</style>
</head><body>${body}</body></html>`;

/** Why the home page was opened, from the library's login redirect (`reason=`) or the app's own. */
const NOTICES: Record<string, string> = {
  session_revoked: 'You were signed out (from another device, or at the identity provider).',
  session_expired: 'Your session expired.',
  // The app cannot tell whether the provider's own session ended too: its logout page may have been answered "No".
  signed_out: 'You are signed out of this app.',
  sign_in_failed: 'The sign-in did not complete. Try again.',
};

/** The home page: a notice, and the sign-in button. */
export function homePage(reason: string | undefined): string {
  const notice = reason !== undefined && Object.hasOwn(NOTICES, reason) ? `<p role="status"><strong>${NOTICES[reason]}</strong></p>` : '';
  return page('OIDC example', `<h1>OIDC example</h1>${notice}
<form method="post" action="/login"><button>Sign in with the identity provider</button></form>`);
}

/** The Security page: the user's devices, and the two ways to sign out. */
export function securityPage(userId: string, devices: readonly SessionView[]): string {
  const rows = devices.map((device) => {
    const origin = device.federated === undefined ? '' : ' · signed in through the identity provider';
    const here = device.current ? ' · <strong>this device</strong>' : '';
    return `<li>${escape(device.deviceLabel)} · last used ${escape(device.lastUsed)}${origin}${here}</li>`;
  });
  return page('Security', `<h1>Security</h1>
<p>Signed in as <strong>${escape(userId)}</strong>.</p>
<h2>Your devices</h2>
<ul>${rows.join('')}</ul>
<form method="post" action="/sign-out"><button>Sign out this device</button></form>
<form method="post" action="/sign-out-everywhere"><button>Sign out everywhere</button></form>`);
}

/** The post-logout page when the provider's back-channel logout did not end this device's session. */
export function deliveryFailedPage(): string {
  return page('Signed out', `<h1>Signed out</h1>
<p>The identity provider signed you out, but its logout request did not reach this app, so
this app has signed this device out itself. <a href="/">Back to the app</a></p>`);
}
