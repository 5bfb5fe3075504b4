import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { answerDialog, clickAndConfirm, deviceLabels, expectSignedIn, expectSignedOut, noticeText, sessionRow, sessionRows } from './support/pages.js';

describeInBrowser('Login management card', () => {
  const { device } = useDemoInBrowser();

  it('lists both devices with their labels and "Current session" on the right row', async () => {
    const laptop = await device(DEVICES.macChrome, 'ada@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ada@acme.test');

    await laptop.goto('/profile');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS', 'Safari on iOS']);
    const here = sessionRow(laptop, 'Chrome on Mac OS');
    expect(await here.locator('.badge-current').textContent()).toBe('Current session');
    expect(await here.getByRole('button', { name: /Log out/ }).count()).toBe(0);
    const other = sessionRow(laptop, 'Safari on iOS');
    expect(await other.locator('.badge-current').count()).toBe(0);
    expect(await other.getByRole('button', { name: 'Log out Safari on iOS' }).isVisible()).toBe(true);
    expect(await other.locator('.last-used').textContent()).toBe('Last used: Just now');
    // Green, as the help page promises.
    expect(await laptop.evaluate("getComputedStyle(document.querySelector('.badge-current')).color")).toBe('rgb(13, 122, 69)');
    await screenshot(laptop, 'profile-chrome-on-mac');

    await phone.goto('/profile');
    expect(await deviceLabels(phone)).toEqual(['Safari on iOS', 'Chrome on Mac OS']);
    expect(await sessionRow(phone, 'Safari on iOS').locator('.badge-current').isVisible()).toBe(true);
    await screenshot(phone, 'profile-safari-on-iphone');
  });

  it('"Log out" on the other row ends that device at its next navigation', async () => {
    const laptop = await device(DEVICES.macChrome, 'ada@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ada@acme.test');

    await laptop.goto('/profile');
    await Promise.all([laptop.waitForURL('**/profile?notice=device-logged-out'), sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click()]);
    expect(await noticeText(laptop)).toContain('That device was logged out');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    expect(await laptop.getByTestId('activity').textContent()).toContain('Logged out one device from the device list');

    await expectSignedOut(phone, '/profile');
    await expectSignedIn(laptop, '/');
  });

  it('"Log out other devices" asks first, then signs out every device but this one', async () => {
    const laptop = await device(DEVICES.macChrome, 'alan@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'alan@acme.test');
    const office = await device(DEVICES.windowsFirefox, 'alan@acme.test');

    await laptop.goto('/profile');
    expect(await sessionRows(laptop).count()).toBe(3);
    const button = laptop.getByRole('button', { name: 'Log out other devices' });
    await button.click();
    await answerDialog(laptop, 'cancel', 'Log out other devices?');
    await laptop.reload();
    expect(await sessionRows(laptop).count()).toBe(3);

    await clickAndConfirm(laptop, button, 'Log out other devices?');
    expect(await noticeText(laptop)).toContain('Every other device was logged out');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    expect(await laptop.getByRole('button', { name: 'Log out other devices' }).isDisabled()).toBe(true);
    expect(await laptop.getByTestId('activity').textContent()).toContain('Logged out every other device');

    await expectSignedOut(phone, '/');
    await expectSignedOut(office, '/profile');
    await expectSignedIn(laptop, '/profile');
  });

  it('signing in again from the same browser and OS replaces the older session', async () => {
    const first = await device(DEVICES.windowsFirefox, 'ben@acme.test');
    const again = await device(DEVICES.windowsFirefox, 'ben@acme.test');

    await again.goto('/profile');
    expect(await deviceLabels(again)).toEqual(['Firefox on Windows']);
    await expectSignedOut(first, '/profile');
  });
});
