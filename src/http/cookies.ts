import { isTokenShaped } from '../token.js';
import type { CookieAttributes, ResolvedHttpOptions } from './options.js';

const NO_VALUES: readonly string[] = Object.freeze([]);

/** Every value the Cookie header carries for `name`, unquoted, never decoded (a `%` in a token is junk); one pass. */
export function cookieValues(header: string | undefined, name: string): readonly string[] {
  if (header === undefined) return NO_VALUES;
  let values: string[] | undefined;
  let start = 0;
  // The next "=" at or after `start`; none left means no cookie further on.
  let equals = header.indexOf('=');
  while (equals !== -1) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    // A segment without "=" is no cookie; nothing past its ";" is read for it, so a header costs its length, never more.
    if (equals < end && owsTrim(header.slice(start, equals)) === name) {
      let value = owsTrim(header.slice(equals + 1, end));
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (values === undefined) values = [value];
      else values.push(value);
    }
    start = end + 1;
    // Searched again only once passed: linear in the header.
    // Stryker disable next-line EqualityOperator: `<=` is equivalent (an "=" at `start` is found again); `>=` is killed by the tests
    if (equals < start) equals = header.indexOf('=', start);
  }
  return values ?? NO_VALUES;
}

/** Distinct tokens kept from one header: enough to refuse and to revoke at sign-in, bounded. */
const MAX_CANDIDATES = 4;

/** What the session cookie of a request holds. */
export type CookieToken =
  /** No cookie of that name. */
  | { readonly state: 'absent' }
  /** One session token (possibly repeated with the same value, or beside junk values). */
  | { readonly state: 'token'; readonly token: string }
  /** Present but unusable: no value of the token shape, or two different tokens. */
  | { readonly state: 'invalid'; readonly candidates: readonly string[] };

const ABSENT: CookieToken = { state: 'absent' };

/** The session token of the Cookie header; of several, only token-shaped values count and two different ones make it invalid, so a planted cookie never wins. */
export function readCookieToken(header: string | undefined, name: string): CookieToken {
  const values = cookieValues(header, name);
  if (values.length === 0) return ABSENT;
  // A list only once a second, different token turns up.
  let first: string | undefined;
  let candidates: string[] | undefined;
  for (const value of values) {
    if (value === first || candidates?.includes(value) === true) continue;
    if (!isTokenShaped(value)) continue;
    if (first === undefined) {
      first = value;
      continue;
    }
    candidates ??= [first];
    candidates.push(value);
    if (candidates.length === MAX_CANDIDATES) break;
  }
  if (first === undefined) return { state: 'invalid', candidates: [] };
  return candidates === undefined ? { state: 'token', token: first } : { state: 'invalid', candidates };
}

/** `Set-Cookie` value that stores `token` for `maxAgeSeconds`, or until the browser closes when `undefined`. */
export function serializeSessionCookie(name: string, token: string, maxAgeSeconds: number | undefined, secure: boolean, attributes: CookieAttributes): string {
  if (maxAgeSeconds === undefined) return `${name}=${token}; Path=/${tail(secure, attributes)}`;
  return `${name}=${token}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; Path=/${tail(secure, attributes)}`;
}

/** `Set-Cookie` value that deletes the session cookie (same name, path and domain, `Max-Age=0`). */
export function serializeClearedCookie(name: string, secure: boolean, attributes: CookieAttributes): string {
  return `${name}=; Max-Age=0; Path=/${tail(secure, attributes)}`;
}

const tail = (secure: boolean, { sameSite, domain }: CookieAttributes): string =>
  `${domain === undefined ? '' : `; Domain=${domain}`}; HttpOnly${secure ? '; Secure' : ''}; SameSite=${sameSite}`;

/** Which cookie a request uses: its name and whether it is `Secure`. */
export interface SessionCookie {
  readonly name: string;
  readonly secure: boolean;
}

/** The cookie of a request: `Secure` from the option, else the scheme or a prefixed name; the default name follows `Secure`. */
export function sessionCookieFor(options: Pick<ResolvedHttpOptions, 'cookieName' | 'secure' | 'securePrefix' | 'cookie'>, https: boolean): SessionCookie {
  const secure = options.secure ?? (https || options.securePrefix);
  const name = options.cookieName ?? (secure ? (options.cookie.domain === undefined ? '__Host-session' : '__Secure-session') : 'session');
  return { name, secure };
}

/**
 * The response's `Set-Cookie` list with this layer's cookies that an app's later header write replaced put back, or `undefined`
 * when none is missing. From the first missing one on, the layer's cookies go last in the order written: its newest cookie of
 * a name (a sign-out's clearing one after a rotated one) stays the one a browser keeps. A wrapper calls it where its framework
 * runs code of the wrapper's after the app's handlers (Koa and Hono after `next()`).
 *
 * @param written - Every value the layer passed to the request's `ResponseTarget.appendSetCookie`, in order.
 * @param sent - The response's `Set-Cookie` header as it stands (`res.getHeader('set-cookie')`).
 * @returns The list to set as the response's `Set-Cookie`, or `undefined` to leave it as it is.
 *
 * @example
 * ```ts
 * await next(); // the app's handlers, which may have replaced every Set-Cookie
 * const restored = restoredCookies(written, res.getHeader('set-cookie'));
 * if (restored !== undefined) res.setHeader('set-cookie', restored);
 * ```
 */
export function restoredCookies(written: readonly string[], sent: readonly string[] | string | number | undefined): string[] | undefined {
  const present = Array.isArray(sent) ? sent : sent === undefined ? [] : [String(sent)];
  const first = written.findIndex((cookie) => !present.includes(cookie));
  if (first === -1) return undefined;
  const moved = written.slice(first);
  return [...present.filter((cookie) => !moved.includes(cookie)), ...moved];
}

// Spaces and tabs only (RFC 6265): String#trim() also strips U+00A0, and a planted "\xA0__Host-session" would read as "__Host-session".
function owsTrim(text: string): string {
  let [start, end] = [0, text.length];
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}
