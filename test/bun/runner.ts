// What the conformance runs under Bun share (`npm run test:bun`: Bun from its npm package, not
// part of `npm test`). Bun runs these TypeScript sources itself; Node's typecheck does not know
// Bun's globals, so the few used are declared here.
// @ts-expect-error -- 'bun:test' exists only under Bun.
import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import type { TestRunner } from '../../src/testing/index.js';

/** The part of Bun's server the tests use. */
export interface BunServer {
  readonly port: number;
  requestIP(request: Request): { readonly address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void>;
}

declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request, server: BunServer) => Response | Promise<Response> }): BunServer;
};

/** `Bun.serve` on 127.0.0.1, a port the system picks, as the conformance suite wants it. */
export function serveOnBun(fetch: (request: Request, server: BunServer) => Response | Promise<Response>): { url: string; close(): Promise<void> } {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
}

export const runner = { describe, it, expect, beforeEach, afterEach } as TestRunner;

// The suite's client is `fetch()`, which it expects to send `Sec-Fetch-Mode: cors` as browsers
// and Node.js's fetch do; Bun's fetch sends none, and a form-encoded POST that accepts HTML
// without it reads as an old browser's form post (303, not 401). Send it the way the others do.
const bunFetch = globalThis.fetch;
globalThis.fetch = Object.assign((input: string | URL | Request, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  if (!headers.has('sec-fetch-mode')) headers.set('sec-fetch-mode', 'cors');
  return bunFetch(input, { ...init, headers });
}, bunFetch);
