import type { HttpRequest } from '../../src/http/index.js';

/** An HttpRequest from plain values; header names are matched in lower case. */
export function fakeRequest(init: {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  encrypted?: boolean;
  remoteAddress?: string;
} = {}): HttpRequest {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    method: init.method ?? 'GET',
    url: init.url ?? '/',
    header: (name) => headers.get(name),
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    encrypted: init.encrypted ?? false,
  };
}
