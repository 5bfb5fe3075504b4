/**
 * A response decided by the HTTP layer, for a wrapper to copy onto its framework's response
 * as it is: status, headers, `Set-Cookie` values, body.
 */
export interface HttpResponse {
  /** The status code: `303`, `401`, `503`... */
  readonly status: number;
  /** Header names in lower case, one value each. */
  readonly headers: Readonly<Record<string, string>>;
  /** `Set-Cookie` values, each sent as its own header. */
  readonly setCookies: readonly string[];
  /** The body, already serialised (`""` for none). */
  readonly body: string;
}

/**
 * Where the HTTP layer writes headers on the response in progress: the cookie set by
 * `signIn()`, cleared by `signOut()`, and the headers of a decided {@link HttpResponse}.
 * A wrapper implements it in two lines over its framework's response.
 */
export interface ResponseTarget {
  /** Sets a header, replacing any earlier value. */
  setHeader(name: string, value: string): void;
  /** Adds one `Set-Cookie` header, keeping those already set. */
  appendSetCookie(value: string): void;
}

/**
 * Writes the headers and cookies of `response` on `target`; the wrapper then sends the status
 * and body.
 *
 * @param response - The decided response.
 * @param target - The framework response's header setters.
 */
export function writeHeaders(response: HttpResponse, target: ResponseTarget): void {
  for (const [name, value] of Object.entries(response.headers)) target.setHeader(name, value);
  for (const cookie of response.setCookies) target.appendSetCookie(cookie);
}

/** Headers of every response that is private to one user or sets a cookie. */
export const NO_STORE = 'no-store';

/** A JSON response, never cached. */
export function jsonResponse(
  status: number,
  body: unknown,
  extra: { readonly headers?: Readonly<Record<string, string>>; readonly setCookies?: readonly string[] } = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': NO_STORE, ...extra.headers },
    setCookies: extra.setCookies ?? [],
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** A response without a body (204, 303), never cached. */
export function emptyResponse(
  status: number,
  extra: { readonly headers?: Readonly<Record<string, string>>; readonly setCookies?: readonly string[] } = {},
): HttpResponse {
  return { status, headers: { 'cache-control': NO_STORE, ...extra.headers }, setCookies: extra.setCookies ?? [], body: '' };
}
