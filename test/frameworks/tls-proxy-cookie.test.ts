import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionHandler } from '../../adapters/fetch/index.js';
import { sessionMiddleware } from '../../adapters/hono/index.js';
import { createSessionManager } from '../../src/index.js';

// An app behind a proxy that ends TLS sees plain HTTP: what the Hono and Fetch guides say of it
// (no option: `session` without Secure; `secure: true` or `trustProxy`: `__Host-session`, Secure).
const sessions = createSessionManager();
afterAll(() => sessions.close());
const proxied = { 'sec-fetch-site': 'same-origin', origin: 'https://app.example', host: 'app.example', 'x-forwarded-proto': 'https' };

async function honoCookie(options: object): Promise<string | null> {
  const app = new Hono();
  app.use(sessionMiddleware(sessions, options));
  app.post('/login', async (c) => {
    await c.var.sessions.signIn({ userId: 'u1' });
    return c.text('ok');
  });
  return (await app.request('http://app.example/login', { method: 'POST', headers: proxied })).headers.get('set-cookie');
}

async function fetchCookie(options: object): Promise<string | null> {
  const handler = sessionHandler(sessions, options)(async (_request, requestSessions) => {
    await requestSessions.signIn({ userId: 'u1' });
    return new Response('ok');
  });
  return (await handler(new Request('http://app.example/login', { method: 'POST', headers: proxied }))).headers.get('set-cookie');
}

describe.each([
  ['Hono', honoCookie],
  ['Fetch', fetchCookie],
] as const)('%s behind a proxy that ends TLS', (_name, cookieOf) => {
  it('behaves as it says', async () => {
    expect(await cookieOf({})).toMatch(/^session=[^;]+;(?!.*Secure)/);
    expect(await cookieOf({ secure: true })).toMatch(/^__Host-session=.*; Secure/);
    expect(await cookieOf({ trustProxy: true })).toMatch(/^__Host-session=.*; Secure/);
  });
});
