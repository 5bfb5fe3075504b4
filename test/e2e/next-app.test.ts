import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, DEVICES, launchBrowser, openDevice, screenshot, type Device } from './support/browser.js';
import { prepareNextApp, startNextApp, type RunningNextApp } from './support/next-app.js';

const PASSWORD = 'next-demo';
/** The browser reaches the app under this name, as a proxy passing the Host would; Next.js names a loopback address `localhost`. */
const HOST = 'next-app.test';

describeInBrowser('Next.js example (App Router, session-revocation/fetch)', () => {
  let app: RunningNextApp | undefined;
  let browser: Browser | undefined;
  let origin = '';
  const contexts: BrowserContext[] = [];

  // Installing (when needed) and building the example take a minute or two on two cores.
  beforeAll(async () => {
    prepareNextApp();
    app = await startNextApp();
    const url = new URL(app.url);
    url.hostname = HOST;
    origin = url.origin;
    browser = await launchBrowser({ hostResolverRules: `MAP ${HOST} 127.0.0.1` });
  }, 600_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function device(which: Device): Promise<Page> {
    const opened = await openDevice(browser!, which, origin);
    contexts.push(opened.context);
    return opened.page;
  }

  /** Opens `/`, is sent to the login page, signs in there and lands back on `/`. */
  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto('/');
    // The middleware's redirect stays on the host the browser asked for.
    expect(new URL(page.url()).origin + new URL(page.url()).pathname).toBe(`${origin}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('Signed in as');
  }

  const deviceLabels = (page: Page) => page.getByTestId('session-row').locator('.device-label').allTextContents();

  async function expectOnLoginPage(page: Page): Promise<void> {
    await page.goto('/');
    const url = new URL(page.url());
    expect({ origin: url.origin, path: url.pathname, next: url.searchParams.get('next') }).toEqual({ origin, path: '/login', next: '/' });
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
  }

  it('two devices: "Log out other devices" sends the other one to the login page', async () => {
    const laptop = await device(DEVICES.macChrome);
    const office = await device(DEVICES.windowsFirefox);
    await signIn(laptop, 'ada');
    await signIn(office, 'ada');

    await laptop.reload();
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS', 'Firefox on Windows']);
    expect(await laptop.getByTestId('session-row').first().getByText('Current session').isVisible()).toBe(true);
    await screenshot(laptop, 'next-app-login-management');

    await laptop.getByRole('button', { name: 'Log out other devices' }).click();
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    expect(await laptop.getByRole('button', { name: 'Log out other devices' }).isDisabled()).toBe(true);

    await expectOnLoginPage(office);
    await laptop.reload();
    expect(new URL(laptop.url()).href).toBe(`${origin}/`);
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
  });

  it('"Log out" on one row ends only that device', async () => {
    const laptop = await device(DEVICES.macChrome);
    const phone = await device(DEVICES.iphoneSafari);
    await signIn(laptop, 'grace');
    await signIn(phone, 'grace');

    await laptop.reload();
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS', 'Safari on iOS']);
    await laptop.getByRole('button', { name: 'Log out Safari on iOS' }).click();
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);

    await expectOnLoginPage(phone);
  });

  it('"Sign out everywhere" ends every device, this one included', async () => {
    const laptop = await device(DEVICES.macChrome);
    const phone = await device(DEVICES.iphoneSafari);
    await signIn(laptop, 'ada');
    await signIn(phone, 'ada');

    await Promise.all([laptop.waitForURL((url) => url.pathname === '/login'), laptop.getByRole('button', { name: 'Sign out everywhere' }).click()]);
    await expectOnLoginPage(laptop);
    await expectOnLoginPage(phone);

    // Signing in again right after works.
    await signIn(laptop, 'ada');
    await expect.poll(() => deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
  });
});
