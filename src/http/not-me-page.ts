import type { RedeemedRevocationLink, SessionManager } from '../manager/api.js';
import { isTokenShaped } from '../token.js';
import type { HttpRequest } from './request.js';
import { NOT_SNIFFED, NOT_STORED, type HttpResponse } from './response.js';

// The "This wasn't me" page: GET only asks (mail scanners follow links), POST acts. Referrer-Policy `same-origin`: with `no-referrer` a browser without Sec-Fetch-Site posts with `Origin: null`, which the same-origin check refuses.

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  ...NOT_STORED,
  ...NOT_SNIFFED,
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
} as const;

function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : url.slice(start + 1).split('#')[0]);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(status: number, title: string, body: string): HttpResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0}</style></head><body><h1>${title}</h1>${body}</body></html>`;
  return { status, headers: PAGE_HEADERS, setCookies: [], body: html };
}

const REFUSED = (): HttpResponse =>
  page(410, 'This link no longer works', '<p>It was used already, has expired, or was changed on the way. If you still think someone else signed in, change your password and sign out every device from your security page.</p>');

/** Answers `GET` and `POST <prefix>/not-me?token=…`; `selfPath` is the page's own path, for the form. */
export async function notMePage(manager: SessionManager, request: HttpRequest, selfPath: string): Promise<HttpResponse> {
  const query = queryOf(request.url);
  const token = query.get('token') ?? '';
  if (request.method !== 'POST') {
    if (!isTokenShaped(token)) return REFUSED();
    const action = `${selfPath}?token=${encodeURIComponent(token)}`;
    return page(
      200,
      "Wasn't you?",
      `<p>If you did not sign in, sign that device out now. Then change your password.</p>` +
        `<form method="post" action="${escapeHtml(action)}"><button type="submit">Sign out that device</button></form>` +
        `<form method="post" action="${escapeHtml(`${action}&everywhere=1`)}"><button type="submit">Sign out every device</button></form>`,
    );
  }
  const everywhere = query.get('everywhere') === '1';
  const done = await manager.redeemRevocationLink(token, { everywhere });
  if (done === null) return REFUSED();
  return page(200, titleOf(done, everywhere), done.deviceFound || everywhere ? CHANGE_PASSWORD : `${UNKNOWN_DEVICE}${CHANGE_PASSWORD}`);
}

const CHANGE_PASSWORD = '<p>Change your password now, so whoever signed in cannot do it again.</p>';
const UNKNOWN_DEVICE =
  '<p>We could not tell which device that sign-in came from, so it may still be signed in on it: sign out every device from your security page.</p>';

// Says only what is true: "signed out" when something was, and nothing about a device it could not tell.
function titleOf(done: RedeemedRevocationLink, everywhere: boolean): string {
  if (everywhere) return 'Every device was signed out';
  if (done.deviceFound) return done.revokedIds.length > 0 ? 'That device was signed out' : 'That device was already signed out';
  return done.revokedIds.length > 0 ? 'That sign-in was signed out' : 'That sign-in had already ended';
}
