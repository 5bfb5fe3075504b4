import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { describeInBrowser, DEVICES, launchBrowser, openDevice, screenshot, type Device } from './support/browser.js';
import { startDemo, type RunningDemo } from './support/demo-server.js';
import { useDemoInBrowser } from './support/fixture.js';
import { location, noticeText, openWatchedPage, sessionRow, signIn } from './support/pages.js';

/** The whole budget, from the click's answer to the login page on the other device. */
const LIVE_BUDGET = 1_000;

/**
 * The laptop logs the phone out from its Login management list; the phone, idle on a page,
 * must land on the login page with the notice by itself. Returns how long that took.
 */
async function revokeAndWatch(laptop: Page, phone: Page): Promise<number> {
  await laptop.goto('/profile');
  const landed = phone.waitForURL((url) => url.pathname === '/login', { timeout: 5_000 });
  await Promise.all([laptop.waitForURL('**/profile?notice=device-logged-out'), sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click()]);
  const revokedAt = Date.now();
  await landed;
  return Date.now() - revokedAt;
}

async function expectRemoteSignOutNotice(phone: Page): Promise<void> {
  expect(location(phone)).toBe('/login?next=/profile&reason=session_revoked');
  expect(await noticeText(phone)).toContain('You were signed out from another device');
  expect(await phone.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
}

describeInBrowser('live sign-out: an open page leaves by itself when its session is revoked elsewhere', () => {
  describe('one instance (memory store)', () => {
    const { device } = useDemoInBrowser({ store: 'memory' });

    it('the revoked tab shows the login page with "signed out from another device" within 1 s, without a click', async () => {
      const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
      const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
      await openWatchedPage(phone);
      const took = await revokeAndWatch(laptop, phone);
      expect(took).toBeLessThan(LIVE_BUDGET);
      await expectRemoteSignOutNotice(phone);
      await screenshot(phone, 'live-sign-out');
      // The laptop, which did it, stays signed in and on its page.
      expect(location(laptop)).toBe('/profile?notice=device-logged-out');
    });

    it('a page that was not listening when its session ended (its stream cut) finds out when it reconnects', async () => {
      const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
      const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
      // The phone's stream cannot connect (a network cut, a restarting server): it keeps trying.
      await phone.route('**/api/sessions/events', (route) => route.abort('connectionreset'));
      await phone.goto('/profile');
      await laptop.goto('/profile');
      await Promise.all([laptop.waitForURL('**/profile?notice=device-logged-out'), sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click()]);
      expect(location(phone)).toBe('/profile');
      // Back online: its next try asks the route, which answers 401 "session_revoked".
      await phone.unroute('**/api/sessions/events');
      await phone.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
      await expectRemoteSignOutNotice(phone);
    });

    it('a page whose stream opens only after its session ended still says why', async () => {
      const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
      const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
      // A slow network: the phone's stream reaches the server only once the laptop has logged it out.
      let loggedOut!: () => void;
      const held = new Promise<void>((resolve) => (loggedOut = resolve));
      await phone.route('**/api/sessions/events', async (route) => {
        await held;
        await route.continue();
      });
      await phone.goto('/profile');
      await laptop.goto('/profile');
      await Promise.all([laptop.waitForURL('**/profile?notice=device-logged-out'), sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click()]);
      loggedOut();
      await phone.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
      await expectRemoteSignOutNotice(phone);
    });
  });

  describe('two instances on Redis', () => {
    let browser: Browser | undefined;
    const demos: RunningDemo[] = [];
    const clients: RedisClientType[] = [];
    const contexts: BrowserContext[] = [];
    const prefix = freshPrefix('live');

    beforeAll(async () => {
      browser = await launchBrowser();
      for (let instance = 0; instance < 2; instance++) {
        const client = await connectNodeRedis(6379);
        clients.push(client);
        demos.push(await startDemo({ store: 'memory', sessionStore: redisStore({ client, prefix }) }));
      }
    });
    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });
    afterAll(async () => {
      await browser?.close();
      for (const demo of demos) await demo.close();
      if (clients[0] !== undefined) await deleteRunKeys(clients[0], `${prefix}*`);
      for (const client of clients) await client.quit().catch(() => undefined);
    });

    async function deviceOn(demo: RunningDemo, which: Device, email: string): Promise<Page> {
      const opened = await openDevice(browser!, which, demo.url);
      contexts.push(opened.context);
      await signIn(opened.page, email);
      return opened.page;
    }

    it('a revocation on one instance reaches the tab open on the other within 1 s', async () => {
      const laptop = await deviceOn(demos[0]!, DEVICES.macChrome, 'ben@acme.test');
      const phone = await deviceOn(demos[1]!, DEVICES.iphoneSafari, 'ben@acme.test');
      await openWatchedPage(phone);
      const took = await revokeAndWatch(laptop, phone);
      expect(took).toBeLessThan(LIVE_BUDGET);
      await expectRemoteSignOutNotice(phone);
    });
  });
});
