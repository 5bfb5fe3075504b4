import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { watchSession } from '../../src/client/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';

// A request to the events route that nothing answers (a hung instance, a proxy holding it): the browser waits for it forever.
describeInBrowser('live sign-out when the route does not answer', () => {
  const sessions = createSessionManager();
  const client = `export const watchSession = ${watchSession.toString()};\n`;
  // Open streams; while `hold` is set, requests to the route are held, never answered.
  const open = new Set<ServerResponse>();
  const held: ServerResponse[] = [];
  let hold = false;
  // Nothing more reaches the browser on the streams muted, and they are never ended: a connection that died without a word.
  const muted = new Set<ServerResponse>();
  let written = 0;
  // The next stream is muted from the start: a proxy that passes its headers and holds its body back.
  let holdNextBody = false;
  let server: Server;
  let browser: Browser;
  let origin = '';

  beforeAll(async () => {
    const app = express();
    app.get('/client.js', (_req, res) => void res.type('text/javascript').send(client));
    app.use('/sessions/events', (_req, res, next) => {
      if (hold) return void held.push(res);
      open.add(res);
      res.on('close', () => void open.delete(res));
      if (holdNextBody) muted.add(res);
      holdNextBody = false;
      const [write, end] = [res.write.bind(res), res.end.bind(res)];
      res.write = ((...args: Parameters<typeof write>) => (muted.has(res) ? true : (written++, write(...args)))) as typeof res.write;
      res.end = ((...args: Parameters<typeof end>) => (muted.has(res) ? res : end(...args))) as typeof res.end;
      next();
    });
    app.use(sessionMiddleware(sessions));
    app.use(sessionRoutes(sessions, { events: { heartbeat: 1_000 } }));
    app.get('/sign-in', async (req, res) => void (await req.sessions.signIn({ userId: 'ada' }), res.send('signed in')));
    app.get('/login', (_req, res) => void res.type('html').send('<h1>Sign in</h1>'));
    app.get('/account', (_req, res) => void res.type('html').send(`<h1>Account</h1><script type="module">import { watchSession } from '/client.js'; watchSession();</script>`));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const response of [...held, ...muted]) response.destroy();
    server?.closeAllConnections();
    server?.close();
    await sessions.close();
  });

  it('a page whose question to the route is never answered asks again, and still leaves when its session is revoked', async () => {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.goto('/account');
    await expect.poll(() => open.size, { timeout: 10_000 }).toBe(1);
    // The stream drops, and the page's question why reaches an instance that never answers it.
    hold = true;
    for (const response of open) response.destroy();
    await expect.poll(() => held.length, { timeout: 10_000 }).toBe(1);
    // The app answers again; the session is revoked.
    hold = false;
    await sessions.revokeAll('ada');
    await page.waitForURL((url) => url.pathname === '/login', { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('reason')).toBe('session_revoked');
    await context.close();
  });

  it('a page whose open stream goes silent gives it up after two heartbeats, and still leaves when its session is revoked', async () => {
    await sessions.revokeAll('ada');
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await page.goto('/sign-in');
    written = 0;
    await page.goto('/account');
    // The stream's first words (its opening and first heartbeat) reached the page; then nothing more does.
    await expect.poll(() => written, { timeout: 10_000 }).toBeGreaterThan(0);
    for (const response of open) muted.add(response);
    await sessions.revokeAll('ada');
    // The revocation, and the end of the stream, never arrive: only the missed heartbeats (2 x 1 s, and 15 s) tell the page to ask the route.
    await page.waitForURL((url) => url.pathname === '/login', { timeout: 40_000 });
    expect(new URL(page.url()).searchParams.get('reason')).toBe('session_revoked');
    await context.close();
  });

  it('a page whose stream opens but whose body a proxy holds back gives it up 15 s after it opened, and still leaves when its session is revoked', async () => {
    await sessions.revokeAll('ada');
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await page.goto('/sign-in');
    holdNextBody = true;
    await page.goto('/account');
    await expect.poll(() => holdNextBody, { timeout: 10_000 }).toBe(false);
    await sessions.revokeAll('ada');
    await page.waitForURL((url) => url.pathname === '/login', { timeout: 40_000 });
    expect(new URL(page.url()).searchParams.get('reason')).toBe('session_revoked');
    await context.close();
  });
});
