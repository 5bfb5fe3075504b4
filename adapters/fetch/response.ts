import { streamToWeb, type HttpResponse, type ResponseTarget } from '../../src/http/index.js';

/** A decided {@link HttpResponse} as a Web `Response`; each `Set-Cookie` its own header; a stream ends when `signal` (the request's) aborts. */
export function toResponse(decided: HttpResponse, signal?: AbortSignal): Response {
  const headers = new Headers(decided.headers);
  for (const cookie of decided.setCookies) headers.append('set-cookie', cookie);
  const body = decided.stream !== undefined ? streamToWeb(decided.stream, signal) : decided.body === '' ? null : decided.body;
  return new Response(body, { status: decided.status, headers });
}

/** Headers written while the handler runs, before its `Response` exists. */
export interface PendingHeaders extends ResponseTarget {
  /** A copy of the handler's response with the waiting headers on it (the handler's own object is never changed); a `101` as it is. */
  applyTo(response: Response): Response;
  /** No `Response` will get the waiting headers (the handler threw): a cookie written from now on is refused. */
  handedOn(): void;
}

export function pendingHeaders(): PendingHeaders {
  const replaced = new Map<string, string>();
  const cookies: string[] = [];
  let built = false;
  return {
    setHeader: (name, value) => void replaced.set(name.toLowerCase(), value),
    appendSetCookie: (value) => void cookies.push(value),
    get headersSent() {
      return built;
    },
    handedOn: () => void (built = true),
    applyTo(response) {
      built = true;
      // A protocol switch (Deno's WebSocket upgrade, `101`) cannot be copied: it goes as it is. An upgrade never rotates; a cookie its handler set is lost.
      if ((replaced.size === 0 && cookies.length === 0) || response.status < 200) return response;
      // Always a copy: one Response object may answer many requests (and `Response.redirect()` headers are immutable).
      const copy = new Response(response.body, response);
      // The library's headers win: a response that sets a cookie must stay `no-store` whatever the handler said.
      for (const [name, value] of replaced) copy.headers.set(name, value);
      for (const cookie of cookies) copy.headers.append('set-cookie', cookie);
      return copy;
    },
  };
}
