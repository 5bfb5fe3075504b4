import { isTokenShaped } from '../token.js';
import { readCookieToken } from './cookies.js';
import type { HttpRequest } from './request.js';

/** What a request presents to authenticate with. */
export interface Credential {
  /** Where it came from: the `Authorization: Bearer` header wins over the cookie. */
  readonly from: 'none' | 'cookie' | 'bearer';
  /** The value to check; `undefined` when one was presented but is unusable. */
  readonly value: string | undefined;
  /** `"access"` for a JWT to verify as an access token, else a session token. */
  readonly type: 'session' | 'access';
  /** Session tokens presented (for revocation at sign-in). */
  readonly presented: readonly string[];
}

const NONE: Credential = { from: 'none', value: undefined, type: 'session', presented: [] };
// RFC 6750 b64token after "Bearer" and at least one space.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Longest Authorization header looked at; a session token is 66 characters, an access token well under 2 KiB. */
const MAX_AUTHORIZATION_LENGTH = 8 * 1024;

/** A request's credential, never from the URL: a `Bearer` header wins (a junk one is refused, not replaced by the cookie), else the cookie. */
export function readCredential(request: HttpRequest, cookieName: string, accessTokens: boolean): Credential {
  const authorization = request.header('authorization');
  if (authorization !== undefined && /^bearer(?: |$)/i.test(authorization.trimStart())) {
    const value = authorization.length <= MAX_AUTHORIZATION_LENGTH ? bearerCredentials(authorization.trim()) : undefined;
    if (value === undefined) return { from: 'bearer', value: undefined, type: 'session', presented: [] };
    const type = accessTokens && JWT_SHAPE.test(value) ? 'access' : 'session';
    // A JWT has three dot-separated parts, a session token two: an access token is never presented here.
    return { from: 'bearer', value, type, presented: isTokenShaped(value) ? [value] : [] };
  }
  const cookie = readCookieToken(request.header('cookie'), cookieName);
  if (cookie.state === 'absent') return NONE;
  if (cookie.state === 'token') return { from: 'cookie', value: cookie.token, type: 'session', presented: [cookie.token] };
  return { from: 'cookie', value: undefined, type: 'session', presented: cookie.candidates };
}

/** The credentials of `Authorization: Bearer <token>` (scheme without case), or `undefined`. */
export function bearerCredentials(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}
