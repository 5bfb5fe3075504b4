import type { BackchannelLogoutOptions } from '../federated/api.js';
import type { SecurityEventOptions } from '../security-events/api.js';
import type { GlobalTokenRevocationOptions } from '../security-events/universal-logout/api.js';
import { boolean, callable, integer, invalidConfiguration as invalid, optionsObject } from '../option-checks.js';
import { isSafePath } from './next-path.js';

/**
 * Options of the session middleware (`sessionMiddleware`, Fastify's `sessionPlugin`) and of
 * {@link session-revocation/http!createSessionHttp}. All optional; checked once, at startup.
 */
export interface SessionHttpOptions {
  /**
   * Where a page navigation without a valid session is sent (`303` with `?next=`, and `reason=` when its session was ended).
   * A same-origin path, a query allowed, no fragment. @default "/login"
   */
  readonly loginPath?: string;
  /**
   * Where `requireFresh` sends a page navigation whose session is not fresh; the page then calls `req.sessions.reauthenticated()`.
   * @default "/login?reauth=1"
   */
  readonly reauthPath?: string;
  /**
   * The session cookie's name; `__Host-` and `__Secure-` names always get `Secure`. A planted cookie of the same name never wins.
   * @default "__Host-session" over HTTPS ("__Secure-session" with a `domain`), "session" over plain HTTP
   */
  readonly cookieName?: string;
  /** The cookie's `Secure` attribute: `true` always, `false` never, unset follows the request's scheme. @default undefined */
  readonly secure?: boolean;
  /** The cookie's `SameSite` attribute. `"none"` needs `secure: true`. @default "lax" */
  readonly sameSite?: 'lax' | 'strict' | 'none';
  /** The cookie's `Domain`; best unset, so sibling subdomains neither receive nor replace it. Refused with a `__Host-` name. @default undefined */
  readonly domain?: string;
  /** Read `X-Forwarded-Proto`, `-Host` and `-For`, only behind proxies: `true` takes the left-most `X-Forwarded-For` address (a proxy that overwrites it), a number (1-32) the address that many from the right (that many proxies append to it, as AWS ALB does). @default false */
  readonly trustProxy?: boolean | number;
  /** Also accept access tokens (`sessions.issueAccessToken`) as `Authorization: Bearer`; the manager needs its `accessTokens` option. @default false */
  readonly accessTokens?: boolean;
  /** Seconds in the `Retry-After` header of a `503` (store unavailable). @default 5 */
  readonly retryAfter?: number;
  /** Receives every error that was answered with a `503`, and what a route's `onRefused` throws on a refusal the route made itself, for logging. @default none */
  readonly onError?: (error: unknown) => void;
}

/** Options of the built-in JSON session routes. */
export interface SessionRoutesOptions {
  /** Path the routes are mounted under, from the root of the app. @default "/sessions" */
  readonly prefix?: string;
  /** Ms within which a session must have proved who it is to end other sessions (see `requireFresh`). Off by default. Holds for every `sessionRoutes()` call with the same manager and prefix: the smallest given. */
  readonly requireFresh?: number;
  /** Serves the "This wasn't me" page of `sessions.issueRevocationLink` at `<prefix>/not-me?token=`. Off by default. */
  readonly revocationLinks?: boolean;
  /**
   * Mounts `GET <prefix>/events`, a Server-Sent Events stream telling an open page the moment its session ends (for
   * `watchSession()` of `session-revocation/client`): `true` or {@link LiveEventsOptions}. Off by default.
   */
  readonly events?: boolean | LiveEventsOptions;
  /** Serves `POST <prefix>/backchannel-logout` (OpenID Connect) with the options of `sessions.backchannelLogout()`. Off by default. */
  readonly backchannelLogout?: BackchannelLogoutOptions;
  /** Serves `POST <prefix>/global-token-revocation` (Universal Logout) with the options of `sessions.globalTokenRevocation()`. Off by default. */
  readonly globalTokenRevocation?: GlobalTokenRevocationOptions;
  /** Serves `POST <prefix>/security-events` (Shared Signals push, RFC 8935) with the options of `sessions.securityEvent()`. Off by default. */
  readonly securityEvents?: SecurityEventOptions;
}

/** Options of the live sign-out stream, `GET <prefix>/events` (the routes' `events` option). */
export interface LiveEventsOptions {
  /** Ms between two heartbeat events, which keep proxies from closing a quiet stream and tell a page its stream still lives. @default 25000 */
  readonly heartbeat?: number;
  /** Open streams per user on this instance; one more is refused with `429` and `Retry-After`. @default 5 */
  readonly maxPerUser?: number;
  /** Ms between two reads of each stream's session when the store does not publish revocations (SQLite); 12 times as long when it does. @default 5000 */
  readonly pollInterval?: number;
}

/** The live events' options after checks. */
export type ResolvedLiveEventsOptions = Required<LiveEventsOptions>;

/** Attributes every session cookie carries; resolved once from the options. */
export interface CookieAttributes {
  readonly sameSite: 'Lax' | 'Strict' | 'None';
  readonly domain: string | undefined;
}

/** Seconds in `Retry-After` when the options say nothing. */
export const DEFAULT_RETRY_AFTER = 5;

/** Options after defaults. */
export type ResolvedHttpOptions = Readonly<ReturnType<typeof resolveHttpOptions>>;

// RFC 6265 cookie-name (an RFC 7230 token), kept short.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/;
const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' } as const;

const isSameSite = (value: string): value is keyof typeof SAME_SITE => Object.hasOwn(SAME_SITE, value);

/** Every option of {@link SessionHttpOptions}: anything else is refused. */
const HTTP_OPTIONS = ['loginPath', 'reauthPath', 'cookieName', 'secure', 'sameSite', 'domain', 'trustProxy', 'accessTokens', 'retryAfter', 'onError'];

/**
 * Fills defaults and refuses a configuration that contradicts itself, saying what to change.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION`
 */
export function resolveHttpOptions(input: SessionHttpOptions = {}, caller = 'The session middleware', ownOptions: readonly string[] = []) {
  // A wrapper's own options too, so a typo's message lists every option.
  const options = optionsObject(`${caller} options`, input, [...ownOptions, ...HTTP_OPTIONS]);
  const loginPath = sitePath('loginPath', options.loginPath, '/login');
  const reauthPath = sitePath('reauthPath', options.reauthPath, '/login?reauth=1');
  const secure = boolean('secure', options.secure, undefined);
  const trustProxy = typeof options.trustProxy === 'number' ? integer('trustProxy (proxies that append to X-Forwarded-For)', options.trustProxy, 1, { min: 1, max: 32 }) : boolean('trustProxy', options.trustProxy, false);
  const accessTokens = boolean('accessTokens', options.accessTokens, false);
  const { cookieName, domain } = options;
  if (cookieName !== undefined && (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName))) {
    throw invalid(`cookieName ${JSON.stringify(cookieName)} is not a valid cookie name (1-64 letters, digits or !#$%&'*+-.^_\`|~).`);
  }
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN.test(domain))) throw invalid(`domain ${JSON.stringify(domain)} is not a host name.`);
  const sameSiteOption = typeof options.sameSite === 'string' ? options.sameSite.toLowerCase() : (options.sameSite ?? 'lax');
  if (typeof sameSiteOption !== 'string' || !isSameSite(sameSiteOption)) throw invalid(`sameSite must be "lax", "strict" or "none" (got ${JSON.stringify(sameSiteOption)}).`);
  const sameSite = SAME_SITE[sameSiteOption];
  // Browsers match the prefixes case-insensitively.
  const lowerName = cookieName?.toLowerCase() ?? '';
  const prefix = lowerName.startsWith('__host-') ? '__Host-' : lowerName.startsWith('__secure-') ? '__Secure-' : undefined;
  if (prefix === '__Host-' && domain !== undefined) throw invalid(`cookieName "${cookieName}" has the __Host- prefix, which forbids a Domain: remove the domain option or rename the cookie.`);
  if (prefix !== undefined && secure === false) throw invalid(`cookieName "${cookieName}" has the ${prefix} prefix, which needs Secure: remove secure: false or rename the cookie.`);
  if (sameSite === 'None' && secure !== true) throw invalid('sameSite "none" needs secure: true (browsers drop SameSite=None cookies without Secure).');
  const retryAfter = integer('retryAfter (seconds)', options.retryAfter, DEFAULT_RETRY_AFTER, { min: 1, max: 86_400 });
  const onError = callable<(error: unknown) => void, undefined>('onError', options.onError, undefined);
  // The configured name has a `__Host-` or `__Secure-` prefix, so `Secure` is always set.
  const securePrefix = prefix !== undefined;
  const cookie: CookieAttributes = { sameSite, domain };
  return { loginPath, reauthPath, cookieName, secure, securePrefix, cookie, trustProxy, accessTokens, retryAfter, onError };
}

// A redirect target on this site: never a URL, "//host", "\\" or a fragment.
function sitePath(name: string, value: unknown, fallback: string): string {
  const path = value ?? fallback;
  if (typeof path !== 'string' || !isSafePath(path) || path.includes('#')) {
    throw invalid(`${name} must be a path on this site such as "${fallback}" (got ${JSON.stringify(path)}): never a URL, "//host", "\\" or a "#fragment".`);
  }
  return path;
}
