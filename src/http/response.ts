import type { AccessTokenFailureReason } from '../access-tokens/index.js';
import type { ValidationFailureReason } from '../session.js';
import { isPageNavigation } from './classify.js';
import { returnLocation, type LoginRedirectOptions } from './login-redirect.js';
import type { HttpRequest } from './request.js';

/** A response decided by the HTTP layer, for a wrapper to copy onto its framework's response as it is. */
export interface HttpResponse {
  /** The status code: `303`, `401`, `503`... */
  readonly status: number;
  /** Header names in lower case, one value each. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Set-Cookie` values, each sent as its own header. */
  readonly setCookies: readonly string[];
  /** The body, already serialised (`""` for none). */
  readonly body: string;
  /** Set for a streaming response (live sign-out events): sent instead of `body`, through a {@link StreamSink}. */
  readonly stream?: HttpStream | undefined;
}

/** The body of a streaming response. */
export interface HttpStream {
  /** Starts the stream once the status and headers are sent; returns the function to call when the client disconnected. */
  open(sink: StreamSink): () => void;
}

/** Where a {@link HttpStream} writes: the wrapper's response body, written as it comes. */
export interface StreamSink {
  /** Sends one chunk of text now (no buffering: it is an event). */
  write(chunk: string): void;
  /** Ends the response; nothing is written after. */
  end(): void;
}

/** Where the HTTP layer writes headers on the response in progress (the cookie of `signIn()`, `signOut()`...). */
export interface ResponseTarget {
  /** Sets a header, replacing any earlier value. */
  setHeader(name: string, value: string): void;
  /** Adds one `Set-Cookie` header, keeping those already set. */
  appendSetCookie(value: string): void;
  /**
   * Whether the response's headers already went out (Node's `res.headersSent`): a cookie written then never reaches the browser, and
   * the layer refuses to write it (a session action the app did not await). Left out where the framework cannot tell.
   */
  readonly headersSent?: boolean;
}

/** Writes the headers and cookies of `response` on `target`; the wrapper then sends the status and body. */
export function writeHeaders(response: HttpResponse, target: ResponseTarget): void {
  for (const [name, value] of Object.entries(response.headers)) target.setHeader(name, value);
  for (const cookie of response.setCookies) target.appendSetCookie(cookie);
}

/** Headers of every response that is private to one user or sets a cookie. */
export const NO_STORE = 'no-store';

/**
 * `no-store` for every cache: a shared one obeys `CDN-Cache-Control` (RFC 9213) or `Surrogate-Control` (Fastly, Akamai, Varnish)
 * over `Cache-Control`, and an app may set either `public` for every page. Every cache header the library writes is here.
 */
export const NOT_STORED = { 'cache-control': NO_STORE, 'cdn-cache-control': NO_STORE, 'surrogate-control': NO_STORE } as const;

/** On every response with a body but the event stream (which no browser renders): a browser never reads a JSON or text body as HTML or script (a `<script src>` of a JSON route, an old browser sniffing a 503). */
export const NOT_SNIFFED = { 'x-content-type-options': 'nosniff' } as const;

/** A thrown value as an `Error` of this realm: another realm's with its own fields (`status`, `stack`; no getter called), anything else a plain one (a `500`). */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const own = Object.prototype.toString.call(thrown) === '[object Error]' ? Object.getOwnPropertyDescriptors(thrown) : {};
  return Object.defineProperties(new Error(typeof thrown === 'string' ? thrown : 'A value that is not an Error was thrown.', { cause: thrown }), own);
}

type Extra = { readonly headers?: Readonly<Record<string, string>>; readonly setCookies?: readonly string[] };

/** A JSON response, never cached nor sniffed. */
export function jsonResponse(status: number, body: unknown, extra: Extra = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...NOT_STORED, ...NOT_SNIFFED, ...extra.headers },
    setCookies: extra.setCookies ?? [],
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** A response without a body (204, 303), never cached; no `X-Content-Type-Options`, with no body to sniff. */
export function emptyResponse(status: number, extra: Extra = {}): HttpResponse {
  return { status, headers: { ...NOT_STORED, ...extra.headers }, setCookies: extra.setCookies ?? [], body: '' };
}

/** The `error` of a `401` body. */
export type UnauthenticatedError = 'unauthenticated' | 'session_expired' | 'session_revoked' | 'session_reused';

/** Maps why a credential was refused to the `error` a client sees. */
export function unauthenticatedError(reason: ValidationFailureReason | AccessTokenFailureReason): UnauthenticatedError {
  if (reason === 'expired' || reason === 'idle') return 'session_expired';
  if (reason === 'revoked') return 'session_revoked';
  if (reason === 'reused') return 'session_reused';
  return 'unauthenticated';
}

/** No session: a relative `303` to the login page for a page navigation, else `401` JSON; either clears a dead cookie. */
export function unauthenticatedResponse(request: HttpRequest, options: LoginRedirectOptions, error: UnauthenticatedError, clearCookie: string | undefined): HttpResponse {
  const setCookies = clearCookie === undefined ? [] : [clearCookie];
  if (isPageNavigation(request)) {
    const location = returnLocation(options.loginPath, request, options.trustProxy, error === 'unauthenticated' ? undefined : error);
    return emptyResponse(303, { headers: { location }, setCookies });
  }
  return jsonResponse(401, { error }, { setCookies });
}

/** The store could not be read or written: `503` with `Retry-After` and no `Set-Cookie`, so an outage signs nobody out and lets nobody in. */
export function unavailableResponse(request: HttpRequest, retryAfter: number): HttpResponse {
  const headers = { 'retry-after': String(retryAfter) };
  if (isPageNavigation(request)) {
    return {
      status: 503,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', ...NOT_STORED, ...NOT_SNIFFED },
      setCookies: [],
      body: 'Service temporarily unavailable. Please try again in a moment.',
    };
  }
  return jsonResponse(503, { error: 'unavailable' }, { headers });
}

/** A session not fresh enough: a relative `303` to `reauthPath` for a page navigation, else `403` JSON; no `Set-Cookie`. */
export function reauthenticationResponse(request: HttpRequest, options: { readonly reauthPath: string; readonly trustProxy: boolean | number }): HttpResponse {
  if (isPageNavigation(request)) return emptyResponse(303, { headers: { location: returnLocation(options.reauthPath, request, options.trustProxy) } });
  return jsonResponse(403, { error: 'reauthentication_required' });
}

/** `403` for a state-changing request from another site. */
export function crossSiteResponse(): HttpResponse {
  return jsonResponse(403, { error: 'cross_site_request' });
}

/** `404` for a session that does not exist or is not the caller's. */
export function notFoundResponse(): HttpResponse {
  return jsonResponse(404, { error: 'not_found' });
}

/** `405` with `Allow`, for a method a session route does not take. */
export function methodNotAllowedResponse(allow: string): HttpResponse {
  return jsonResponse(405, { error: 'method_not_allowed' }, { headers: { allow } });
}

/** `503` of the server-to-server routes, when the store or a provider's keys failed. */
export function temporarilyUnavailableResponse(retryAfter: number): HttpResponse {
  return jsonResponse(503, { error: 'temporarily_unavailable' }, { headers: { 'retry-after': String(retryAfter) } });
}
