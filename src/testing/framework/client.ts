import { request as httpRequest, type IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { parseJson } from '../../parse-json.js';

/** A `Set-Cookie` header taken apart; attribute names in lower case. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A response as the scenarios read it. */
export interface Reply {
  /** What was sent, for failure messages: `"POST /login?user=alice"`. */
  readonly request: string;
  readonly status: number;
  readonly headers: Headers;
  /** The `Set-Cookie` headers but the app's own cookies ({@link APP_COOKIES}); `headers.getSetCookie()` has them all. */
  readonly cookies: readonly SetCookie[];
  readonly body: string;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly json: unknown;
}

/** What a scenario sends. */
export interface RequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send exactly these headers over `node:http`, as a browser's form does: `fetch()` always adds `Sec-Fetch-Mode: cors`. */
  readonly browser?: boolean;
}

/**
 * Cookies the suite's apps set themselves (the contract's `consent` on every request, `theme`): never the wrapper's. `Reply.cookies` leaves
 * them out; the tests that set the session's cookie beside them check with {@link appCookieNames} that the wrapper kept them.
 */
export const APP_COOKIES: ReadonlySet<string> = new Set(['consent', 'theme']);

/** The names of the app's own cookies among the `Set-Cookie` headers, in order, repeats included. */
export function appCookieNames(headers: Headers): string[] {
  return headers.getSetCookie().map((header) => parseSetCookie(header).name).filter((name) => APP_COOKIES.has(name));
}

/** The raw `Set-Cookie` values of `headers` but the app's own cookies. */
export function sessionSetCookies(headers: Headers): string[] {
  return headers.getSetCookie().filter((header) => !APP_COOKIES.has(parseSetCookie(header).name));
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...parts] = header.split(';');
  const equals = pair.indexOf('=');
  const attributes: Record<string, string> = {};
  for (const part of parts) {
    const [key = '', ...rest] = part.split('=');
    attributes[key.trim().toLowerCase()] = rest.join('=').trim();
  }
  return { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim(), attributes };
}

type RawReply = { readonly status: number; readonly headers: Headers; readonly body: string };

async function sendFetch(url: URL, init: RequestInit): Promise<RawReply> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** One request over `node:http` with exactly the headers given, and the path as written (`fetch()` and `new URL()` would normalise it). */
export async function sendExact(base: string, path: string, init: RequestInit): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: init.method ?? 'GET', headers }, resolve);
    request.on('error', reject);
    request.end(init.body);
  });
  const body = await text(response);
  const received = new Headers();
  for (const [name, values] of Object.entries(response.headersDistinct)) {
    for (const value of values ?? []) received.append(name, value);
  }
  return { status: response.statusCode ?? 0, headers: received, body };
}

/** One real HTTP request with fetch (`node:http` with `browser`), redirects not followed. */
export async function send(base: string, path: string, init: RequestInit = {}): Promise<Reply> {
  const response = init.browser === true ? await sendExact(base, path, init) : await sendFetch(new URL(path, base), init);
  return { request: `${init.method ?? 'GET'} ${path}`, status: response.status, headers: response.headers, cookies: sessionSetCookies(response.headers).map(parseSetCookie), body: response.body, json: parseJson(response.body) };
}

/** User-Agents of distinct browsers, so sessions of one user do not replace each other. */
export const BROWSERS = {
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
} as const;

/** What a browser sends for a top-level page load. */
export const NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } as const;

/** What every response of the library private to one user, or that sets a cookie, says to caches: a shared one obeys CDN-Cache-Control (RFC 9213) or Surrogate-Control over Cache-Control, and an app may set any of them `public` for every page. */
export const NOT_STORED = { 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store' } as const;

/** What every response of the library with a body says, so a browser never reads a JSON or text body as HTML or script. */
export const NOT_SNIFFED = { 'x-content-type-options': 'nosniff' } as const;

/** What a browser sends with an HTML form submission (with `browser: true`, see {@link RequestInit.browser}). */
export const FORM_POST = { ...NAVIGATION, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'content-type': 'application/x-www-form-urlencoded' } as const;

/** A browser: a User-Agent and the session cookie it holds. */
export class Device {
  /** The session token in its cookie, once signed in. */
  token: string | undefined;
  /** The session id of {@link token}. */
  sessionId: string | undefined;

  constructor(private readonly base: string, readonly userAgent: string, readonly cookieName = 'session') {}

  /** Holds a token the test made itself (a federated sign-in through the manager), as a cookie. */
  holdToken(token: string): void {
    this.token = token;
    this.sessionId = token.split('.')[0];
  }

  /** Headers of a request from this device: its User-Agent and its cookie. */
  headers(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...extra };
    if (this.token !== undefined && headers['cookie'] === undefined) headers['cookie'] = `${this.cookieName}=${this.token}`;
    return headers;
  }

  /** A request with this device's cookie. */
  request(path: string, init: RequestInit = {}): Promise<Reply> {
    return send(this.base, path, { ...init, headers: this.headers(init.headers) });
  }

  /** `POST /login?user=<userId>` and `query` (`"&remember=0"`); keeps the cookie it sets. */
  async signIn(userId: string, headers: Readonly<Record<string, string>> = {}, query = ''): Promise<Reply> {
    const reply = await this.request(`/login?user=${encodeURIComponent(userId)}${query}`, { method: 'POST', headers });
    const cookie = reply.cookies.find((candidate) => candidate.name === this.cookieName && candidate.value !== '');
    if (cookie !== undefined) this.holdToken(cookie.value);
    return reply;
  }
}
