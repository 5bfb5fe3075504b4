import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { answerDialog, clickAndConfirm, expectSignedIn, expectSignedOut, location, noticeText, signIn, signOutFromMenu } from './support/pages.js';

describeInBrowser('signing out: this device, everywhere, and the global logout setting', () => {
  const { device, server } = useDemoInBrowser();

  it('"Sign out everywhere", once confirmed, sends this browser and the other device to the login page', async () => {
    const laptop = await device(DEVICES.macChrome, 'grace@globex.test');
    const phone = await device(DEVICES.iphoneSafari, 'grace@globex.test');

    await laptop.goto('/profile');
    const button = laptop.locator('#sessions').getByRole('button', { name: 'Sign out everywhere' });
    await button.click();
    await laptop.locator('#confirm-dialog').waitFor({ state: 'visible' });
    await screenshot(laptop, 'profile-sign-out-everywhere-dialog', { fullPage: false });
    await answerDialog(laptop, 'cancel', 'Sign out of every device?');
    await expectSignedIn(phone, '/');

    await clickAndConfirm(laptop, button, 'Sign out of every device?');
    expect(location(laptop)).toBe('/login?notice=signed-out-everywhere');
    expect(await noticeText(laptop)).toContain('signed out of every device, including this one');
    await screenshot(laptop, 'login-after-sign-out-everywhere');
    await expectSignedOut(laptop, '/profile');
    await expectSignedOut(phone, '/');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=sign_out_everywhere user=u-grace/.test(line))).toBe(true);

    // Signing in right after works: only sessions from before the moment are distrusted.
    await signIn(laptop, 'grace@globex.test');
    await expectSignedIn(laptop, '/profile');
    expect(await laptop.getByTestId('activity').textContent()).toContain('Signed out everywhere');
  });

  it('the account menu\'s "Sign out" ends only this device while global logout is off', async () => {
    const laptop = await device(DEVICES.macChrome, 'otto@globex.test');
    const phone = await device(DEVICES.iphoneSafari, 'otto@globex.test');

    await signOutFromMenu(laptop);
    expect(await noticeText(laptop)).toContain('signed out of this device');
    await expectSignedOut(laptop, '/');
    await expectSignedIn(phone, '/profile');
    expect(await phone.locator('[data-testid="session-row"] .device-label').allTextContents()).toEqual(['Safari on iOS']);
  });

  it('after an admin enables global logout, a plain sign-out ends every device of that person, in that tenant only', async () => {
    const admin = await device(DEVICES.windowsFirefox, 'alan@acme.test');
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
    const otherTenantLaptop = await device(DEVICES.macChrome, 'otto@globex.test');
    const otherTenantPhone = await device(DEVICES.iphoneSafari, 'otto@globex.test');

    // Members cannot change it.
    const refused = await laptop.goto('/settings');
    expect(refused?.status()).toBe(403);

    await admin.goto('/settings');
    const toggle = admin.getByLabel('Enable global logout');
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await Promise.all([admin.waitForURL('**/settings?notice=settings-saved'), admin.getByRole('button', { name: 'Save' }).click()]);
    await admin.reload();
    expect(await admin.getByLabel('Enable global logout').isChecked()).toBe(true);
    await screenshot(admin, 'settings-global-logout-on');

    await signOutFromMenu(laptop);
    expect(await noticeText(laptop)).toContain('global logout on');
    await expectSignedOut(phone, '/profile');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=global_logout user=u-ben tenant=acme/.test(line))).toBe(true);

    // Globex has its own setting, still off.
    await signOutFromMenu(otherTenantLaptop);
    await expectSignedIn(otherTenantPhone, '/');

    // Turned off again, sign-out is one device at a time once more.
    await admin.getByLabel('Enable global logout').uncheck();
    await Promise.all([admin.waitForURL('**/settings?notice=settings-saved'), admin.getByRole('button', { name: 'Save' }).click()]);
    await signIn(laptop, 'ben@acme.test');
    await signIn(phone, 'ben@acme.test');
    await signOutFromMenu(laptop);
    await expectSignedIn(phone, '/');
  });
});
