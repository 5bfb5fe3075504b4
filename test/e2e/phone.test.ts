import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { expectSignedOut, noticeText, sessionRow, signIn } from './support/pages.js';

/** How far the page is wider than the screen, in CSS pixels: 0 when nothing scrolls sideways. */
async function horizontalOverflow(page: Page): Promise<number> {
  // A string, evaluated in the page: the test files are type-checked without the DOM library.
  return Number(await page.evaluate('Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth'));
}

describeInBrowser('the demo on a phone (390 px wide)', () => {
  const { device, server } = useDemoInBrowser();

  it('no page scrolls sideways: login, dashboard, profile, settings, team, password reset', async () => {
    const phone = await device(DEVICES.iphoneSafari);
    expect(phone.viewportSize()?.width).toBe(390);
    const widths: Record<string, number> = {};
    for (const path of ['/login', '/forgot-password']) {
      await phone.goto(path);
      widths[path] = await horizontalOverflow(phone);
      await screenshot(phone, `phone${path.replaceAll('/', '-')}`);
    }
    // A second device gives the owner's Profile two rows with a "Log out" button.
    await device(DEVICES.macChrome, 'ada@acme.test');
    await signIn(phone, 'ada@acme.test');
    for (const path of ['/', '/profile', '/settings', '/team']) {
      await phone.goto(path);
      widths[path] = await horizontalOverflow(phone);
      await screenshot(phone, `phone${path === '/' ? '-dashboard' : path.replaceAll('/', '-')}`);
    }
    expect(widths).toEqual({ '/login': 0, '/forgot-password': 0, '/': 0, '/profile': 0, '/settings': 0, '/team': 0 });
  });

  it('a phone signed out from another device sees why on the login page', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
    await laptop.goto('/profile');
    await Promise.all([laptop.waitForURL('**/profile?notice=device-logged-out'), sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click()]);

    // The phone's open page watches its session: it goes to the login page by itself. (Loading
    // another page at the same moment would race it: whichever request sees the revoked cookie
    // first clears it, and the other finds no session at all.)
    await phone.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('reason') === 'session_revoked', { timeout: 5000 });
    await expect.poll(() => phone.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await noticeText(phone)).toBe('You were signed out from another device (or by an administrator). Sign in again to continue.');
    expect(await horizontalOverflow(phone)).toBe(0);
    await screenshot(phone, 'phone-signed-out-from-another-device');

    // A device that never signed in, or signed itself out, gets the plain login page.
    const stranger = await device(DEVICES.windowsFirefox);
    await expectSignedOut(stranger, '/profile');
    expect(new URL(stranger.url()).searchParams.has('reason')).toBe(false);
    expect(await stranger.locator('.notice').count()).toBe(0);
  });

  it('signing in again from the same browser reads as one line, counted', async () => {
    const phone = await device(DEVICES.iphoneSafari, 'otto@globex.test');
    // Cookies cleared (or a private window of the same browser): each sign-in replaces the last.
    for (let again = 0; again < 3; again += 1) {
      await phone.context().clearCookies();
      await signIn(phone, 'otto@globex.test');
    }
    await phone.goto('/profile');
    const lines = await phone.locator('[data-testid="activity"] .activity-text').allTextContents();
    const again = lines.filter((line) => line.includes('Signed in again on Safari on iOS, ending its previous session there'));
    expect(again).toHaveLength(1);
    expect(again[0]).toContain('3 times');
    expect(lines.some((line) => line.includes('replaced') && !line.includes('Signed in again'))).toBe(false);
    expect(server().log.filter((line) => /session\.revoked\s+reason=replaced user=u-otto/.test(line))).toHaveLength(3);
  });

  it('every page has an icon: /favicon.ico answers with the logo', async () => {
    const phone = await device(DEVICES.iphoneSafari);
    const response = await phone.request.get('/favicon.ico');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    await phone.goto('/login');
    expect(await phone.locator('link[rel="icon"]').getAttribute('href')).toBe('/assets/favicon.svg');
  });
});
