import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../examples/shared/demo-users.js';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { testClock } from './support/demo-server.js';
import { useDemoInBrowser } from './support/fixture.js';
import { answerDialog, clickAndConfirm, deviceLabels, expectSignedIn, expectSignedOut, location, noticeText, sessionCookie } from './support/pages.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The sentences of the Activity list, newest first (without the device and address line under each). */
async function activitySentences(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="activity"] .activity-text').allInnerTexts()).map((text) => text.split('\n')[0]!.trim());
}

describeInBrowser('sensitive actions: password confirmation, the session cap and "Keep me signed in"', () => {
  // The demo's manager reads this clock: moving it forward makes sessions old without waiting.
  const clock = testClock();
  const { device, server } = useDemoInBrowser({ store: 'memory', clock: clock.now });

  it('an old session confirms the password before "Log out other devices", on the same session', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
    const cookie = await sessionCookie(laptop);
    clock.advance(11 * MINUTE);

    await laptop.goto('/profile');
    const button = laptop.getByRole('button', { name: 'Log out other devices' });
    await button.click();
    await Promise.all([laptop.waitForURL((url) => url.pathname === '/login'), answerDialog(laptop, 'confirm', 'Log out other devices?')]);
    expect(location(laptop)).toBe('/login?reauth=1&next=/profile');
    expect(await laptop.getByRole('heading', { level: 1 }).textContent()).toBe("Confirm it's you");
    expect(await laptop.getByTestId('reauth-email').textContent()).toBe('ben@acme.test');
    expect(await laptop.getByRole('textbox', { name: 'Email' }).count()).toBe(0);
    await screenshot(laptop, 'reauth-confirm');

    // A wrong password: an error, and the device is still signed in with the same session.
    await laptop.getByLabel('Password').fill('not-my-password');
    await Promise.all([laptop.waitForLoadState('load'), laptop.getByRole('button', { name: 'Confirm' }).click()]);
    expect(await laptop.locator('[role="alert"]').textContent()).toContain("That password isn't right.");
    expect(await laptop.getByRole('heading', { level: 1 }).textContent()).toBe("Confirm it's you");
    expect(await sessionCookie(laptop)).toBe(cookie);

    await laptop.getByLabel('Password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForURL((url) => url.pathname === '/profile'), laptop.getByRole('button', { name: 'Confirm' }).click()]);
    expect(location(laptop)).toBe('/profile');
    // The same session, made fresh: no new cookie, no new device row, nothing signed out.
    expect(await sessionCookie(laptop)).toBe(cookie);
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS', 'Safari on iOS']);
    await expectSignedIn(phone, '/profile');

    await laptop.goto('/profile');
    await clickAndConfirm(laptop, button, 'Log out other devices?');
    expect(location(laptop)).toBe('/profile?notice=others-logged-out');
    expect(await noticeText(laptop)).toContain('Every other device was logged out');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    const activity = await laptop.getByTestId('activity').textContent();
    expect(activity).toContain('Logged out every other device');
    expect(activity).toContain('Confirmed the password on Chrome on Mac OS');
    expect(await activitySentences(laptop)).toEqual(['Logged out every other device', 'Confirmed the password on Chrome on Mac OS', 'Signed in on Safari on iOS', 'Signed in on Chrome on Mac OS']);
    expect(server().log.filter((line) => line.includes('user=u-ben') && line.includes('session.reauthenticated'))).toHaveLength(1);

    await expectSignedOut(phone, '/profile');
    await expectSignedIn(laptop, '/profile');
  });

  it('an old session confirms the password before an email change, which then goes through', async () => {
    const laptop = await device(DEVICES.windowsFirefox, 'otto@globex.test');
    clock.advance(11 * MINUTE);

    await laptop.goto('/profile');
    const card = laptop.locator('#email');
    await card.getByLabel('New email').fill('otto.weber@globex.test');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForURL((url) => url.pathname === '/login'), card.getByRole('button', { name: 'Change email' }).click()]);
    expect(location(laptop)).toBe('/login?reauth=1&next=/profile');
    expect(await laptop.getByTestId('reauth-email').textContent()).toBe('otto@globex.test');

    await laptop.getByLabel('Password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForURL((url) => url.pathname === '/profile'), laptop.getByRole('button', { name: 'Confirm' }).click()]);
    await card.getByLabel('New email').fill('otto.weber@globex.test');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForURL('**/profile?notice=email-changed'), card.getByRole('button', { name: 'Change email' }).click()]);
    expect(await noticeText(laptop)).toContain('Email address changed');
  });

  it('a fourth browser signs out the least recently used of the first three', async () => {
    const laptop = await device(DEVICES.macChrome, 'alan@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'alan@acme.test');
    // The phone's tab is closed (nothing watches its session there): it learns why at its next visit.
    await phone.goto('about:blank');
    const office = await device(DEVICES.windowsFirefox, 'alan@acme.test');
    // The laptop, signed in first, is used again two minutes later: the phone is now the one
    // used least recently.
    clock.advance(2 * MINUTE);
    await expectSignedIn(laptop, '/profile');

    const tablet = await device(DEVICES.androidChrome, 'alan@acme.test');
    await tablet.goto('/profile');
    expect((await deviceLabels(tablet)).sort()).toEqual(['Chrome on Android', 'Chrome on Mac OS', 'Firefox on Windows']);
    expect(await tablet.getByTestId('activity').textContent()).toContain('Signed in on one device too many: the least recently used one was signed out');
    expect(server().log.filter((line) => line.includes('user=u-alan') && line.includes('reason=session_limit'))).toHaveLength(1);
    await screenshot(tablet, 'profile-after-session-limit');

    await phone.goto('/profile');
    const url = new URL(phone.url());
    expect({ path: url.pathname, next: url.searchParams.get('next'), reason: url.searchParams.get('reason') }).toEqual({
      path: '/login',
      next: '/profile',
      reason: 'session_revoked',
    });
    expect(await noticeText(phone)).toContain('You were signed out from another device');
    await expectSignedIn(laptop, '/profile');
    await expectSignedIn(office, '/profile');
    await expectSignedIn(tablet, '/');
  });

  it('"Keep me signed in" unticked gives a cookie that ends with the browser; ticked, one for 30 days', async () => {
    const shared = await device(DEVICES.windowsFirefox);
    await shared.goto('/login');
    const keep = shared.getByLabel('Keep me signed in');
    expect(await keep.isChecked()).toBe(true);
    await shared.getByLabel('Email').fill('grace@globex.test');
    await shared.getByLabel('Password').fill(DEMO_PASSWORD);
    await keep.uncheck();
    await Promise.all([shared.waitForURL((url) => url.pathname !== '/login'), shared.getByRole('button', { name: 'Sign in' }).click()]);
    const sessionOnly = (await shared.context().cookies()).find((cookie) => cookie.name === 'session');
    expect(sessionOnly?.expires).toBe(-1);
    await expectSignedIn(shared, '/profile');

    const own = await device(DEVICES.macChrome, 'grace@globex.test');
    const persistent = (await own.context().cookies()).find((cookie) => cookie.name === 'session');
    expect(persistent).toBeDefined();
    expect(persistent!.expires * 1000).toBeGreaterThan(Date.now() + 30 * DAY - 5 * MINUTE);
    expect(persistent!.expires * 1000).toBeLessThan(Date.now() + 30 * DAY + 5 * MINUTE);
    await expectSignedIn(own, '/profile');
  });
});
