import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeInBrowser, launchBrowser } from './support/browser.js';

// Over HTTP/1.1 a browser opens six connections to a host, and a stream holds one for as long as its page is open.
// watchSession() runs on every signed-in page: the pages of one browser must share one stream, or a seventh page waits.
describeInBrowser('live sign-out in many tabs of one browser', () => {
  const sessions = createSessionManager();
  const client = readFileSync(new URL('../../dist/client.js', import.meta.url), 'utf8');
  let streams = 0;
  let requests = 0;
  // The route's open answers, and how many of the next requests it answers late (a slow network or server).
  const open = new Set<ServerResponse>();
  let slow = 0;
  let server: Server;
  let browser: Browser;
  let caching: Browser;
  let origin: string;

  beforeAll(async () => {
    const app = express();
    app.get('/client.js', (_req, res) => void res.type('text/javascript').send(client));
    app.use('/sessions/events', (_req, res, next) => {
      streams += 1;
      requests += 1;
      open.add(res);
      res.on('close', () => void (streams -= 1, open.delete(res)));
      if (slow === 0) return next();
      slow -= 1;
      setTimeout(next, 4_000);
    });
    app.use(sessionMiddleware(sessions));
    // More places than the browser has connections: the limit met is the browser's, as with two instances behind a load balancer.
    app.use(sessionRoutes(sessions, { events: { maxPerUser: 20 } }));
    app.get('/sign-in', async (req, res) => void (await req.sessions.signIn({ userId: 'ada' }), res.send('signed in')));
    app.get('/login', (_req, res) => void res.type('html').send('<h1>Sign in</h1>'));
    // A page tells whether it came back from the back-forward cache, how many streams it opened and how many of its requests were answered.
    const page = (title: string) => `<h1>${title}</h1><script>
      window.sources = 0;
      const Source = EventSource;
      window.EventSource = class extends Source { constructor(...args) { super(...args); window.sources += 1; } };
      window.answered = 0;
      const fetched = fetch;
      window.fetch = (...args) => fetched(...args).then((response) => ((window.answered += 1), response));
    </script><script type="module">
      import { watchSession } from '/client.js';
      watchSession();
      addEventListener('pageshow', (event) => { window.restored = event.persisted; });
    </script>`;
    app.get('/account', (_req, res) => void res.type('html').send(page('Account')));
    app.get('/billing', (_req, res) => void res.type('html').send(page('Billing')));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    caching = await launchBrowser({ backForwardCache: true });
  });
  afterAll(async () => {
    await browser?.close();
    await caching?.close();
    server?.closeAllConnections();
    server?.close();
    await sessions.close();
  });

  it('eight open pages hold one stream, every page still loads, and a revocation sends each to the login page', async () => {
    const context = await browser.newContext({ baseURL: origin });
    const pages = [await context.newPage()];
    await pages[0]!.goto('/sign-in');
    for (let tab = 1; tab < 8; tab++) pages.push(await context.newPage());
    for (const page of pages) {
      const loaded = await page.goto('/account', { timeout: 15_000 }).then(
        () => 'loaded',
        (error: Error) => error.message.split('\n')[0],
      );
      expect(loaded).toBe('loaded');
    }
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(1);
    await sessions.revokeAll('ada');
    for (const page of pages) await page.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
    // The page that watched closed its stream, and none opened another.
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(0);
  });

  it('a page in the back-forward cache gives its place up: when the watching tab closes, the page on screen watches', async () => {
    const context = await caching.newContext({ baseURL: origin });
    const first = await context.newPage();
    await first.goto('/sign-in');
    await first.goto('/account');
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(1);
    const tab = await context.newPage();
    await tab.goto('/account');
    await tab.goto('/billing');
    // The browser does cache the page: back, it is the same page restored, and forward again.
    await tab.goBack({ waitUntil: 'commit' });
    await expect.poll(() => tab.evaluate(() => (globalThis as { restored?: boolean }).restored), { timeout: 10_000 }).toBe(true);
    await tab.goForward({ waitUntil: 'commit' });
    await expect.poll(() => tab.evaluate(() => [(globalThis as { location?: { pathname: string } }).location?.pathname, (globalThis as { restored?: boolean }).restored]), { timeout: 10_000 }).toEqual(['/billing', true]);
    await first.close();
    await sessions.revokeAll('ada');
    await tab.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
  });

  it('a page cached while it asks the route why its stream failed opens one stream when shown again, not two', async () => {
    type Counts = { restored?: boolean; sources: number; answered: number };
    const counts = (page: Page) =>
      page.evaluate(() => {
        const { restored, sources, answered } = globalThis as unknown as Counts;
        return { restored, sources, answered };
      });
    const context = await caching.newContext({ baseURL: origin });
    const tab = await context.newPage();
    await tab.goto('/sign-in');
    await tab.goto('/account');
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(1);
    // The stream drops; the page asks the route why, and the answer is slow to come.
    const before = await counts(tab);
    const asked = requests + 1;
    slow = 1;
    for (const response of open) response.destroy();
    await expect.poll(() => requests, { timeout: 10_000 }).toBe(asked);
    // The user follows a link while the question is open, and comes back.
    await tab.goto('/billing');
    await tab.goBack({ waitUntil: 'commit' });
    await expect.poll(async () => (await counts(tab)).restored, { timeout: 10_000 }).toBe(true);
    // Shown again, it watches; the question it asked before, asked again once its pause ran out, is answered too.
    await expect.poll(async () => (await counts(tab)).answered, { timeout: 10_000 }).toBeGreaterThan(before.answered);
    // Every stream the page opened since, and that question, reached the server (the other page may have watched meanwhile): one is open.
    const opened = (await counts(tab)).sources - before.sources;
    await expect.poll(() => requests, { timeout: 10_000 }).toBeGreaterThanOrEqual(asked + opened + 1);
    await expect.poll(() => streams, { timeout: 10_000 }).toBe(1);
    await sessions.revokeAll('ada');
    await tab.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
  });
});
