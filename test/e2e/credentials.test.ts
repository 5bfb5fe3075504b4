import { expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../examples/shared/demo-users.js';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { deviceLabels, expectSignedIn, expectSignedOut, location, noticeText, openWatchedPage, sessionCookie, signIn } from './support/pages.js';

describeInBrowser('credential changes: password, email and the password reset', () => {
  const { device, server } = useDemoInBrowser();

  it('changing the password keeps this device with a fresh cookie and signs out the other', async () => {
    const laptop = await device(DEVICES.macChrome, 'ada@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ada@acme.test');
    const before = await sessionCookie(laptop);

    await laptop.goto('/profile');
    const card = laptop.locator('#password');
    await card.getByLabel('Current password').fill('not-my-password');
    await card.getByLabel('New password', { exact: true }).fill('a-brand-new-secret');
    await card.getByLabel('Repeat new password').fill('a-brand-new-secret');
    await Promise.all([laptop.waitForLoadState('load'), card.getByRole('button', { name: 'Change password' }).click()]);
    expect(await laptop.locator('#password .notice-error').textContent()).toContain('current password is not right');
    await expectSignedIn(phone, '/');

    await laptop.goto('/profile');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await card.getByLabel('New password', { exact: true }).fill('a-brand-new-secret');
    await card.getByLabel('Repeat new password').fill('a-brand-new-secret');
    await Promise.all([laptop.waitForURL('**/profile?notice=password-changed'), card.getByRole('button', { name: 'Change password' }).click()]);
    expect(await noticeText(laptop)).toContain('Your other devices were signed out; this one stays signed in.');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    const after = await sessionCookie(laptop);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const activity = await laptop.getByTestId('activity').textContent();
    expect(activity).toContain('Password changed: every other device signed out');
    expect(activity).toContain('Stayed signed in on Chrome on Mac OS with a fresh session after the password change');
    expect(activity).not.toContain('Signed out of one device');
    await screenshot(laptop, 'profile-after-password-change');

    await expectSignedOut(phone, '/profile');
    await expectSignedIn(laptop, '/');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=password_changed user=u-ada/.test(line))).toBe(true);

    // The old password no longer works; the new one does.
    await phone.goto('/login');
    await phone.getByLabel('Email').fill('ada@acme.test');
    await phone.getByLabel('Password').fill(DEMO_PASSWORD);
    await Promise.all([phone.waitForLoadState('load'), phone.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await phone.locator('.notice-error').textContent()).toContain("don't match");
    await signIn(phone, 'ada@acme.test', 'a-brand-new-secret');
    await expectSignedIn(phone, '/profile');
  });

  it("another tab of the device that changed the password stays on its page: the session it watched ended, the browser's new one lives", async () => {
    const laptop = await device(DEVICES.macChrome, 'alan@acme.test');
    const otherTab = await laptop.context().newPage();
    await openWatchedPage(otherTab, '/profile');
    // Every page the other tab loads from now on: a stay is none (a trip to the login page that comes back is not a stay).
    const loaded: string[] = [];
    otherTab.on('framenavigated', (frame) => void (frame === otherTab.mainFrame() && loaded.push(new URL(frame.url()).pathname)));
    await laptop.goto('/profile');
    const card = laptop.locator('#password');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await card.getByLabel('New password', { exact: true }).fill('a-brand-new-secret');
    await card.getByLabel('Repeat new password').fill('a-brand-new-secret');
    // The other tab hears its session end, asks the route with the browser's cookie, finds it signed in and watches the new session.
    const watchingAgain = otherTab.waitForResponse((response) => response.url().endsWith('/api/sessions/events') && response.status() === 200, { timeout: 10_000 });
    await Promise.all([laptop.waitForURL('**/profile?notice=password-changed'), card.getByRole('button', { name: 'Change password' }).click()]);
    await watchingAgain;
    expect({ at: location(otherTab), loaded }).toEqual({ at: '/profile', loaded: [] });
  });

  it('changing the email address keeps this device and signs out the other', async () => {
    const laptop = await device(DEVICES.macChrome, 'otto@globex.test');
    const phone = await device(DEVICES.iphoneSafari, 'otto@globex.test');
    const before = await sessionCookie(laptop);

    await laptop.goto('/profile');
    const card = laptop.locator('#email');
    await card.getByLabel('New email address').fill('grace@globex.test');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForLoadState('load'), card.getByRole('button', { name: 'Change email' }).click()]);
    expect(await laptop.locator('#email .notice-error').textContent()).toContain('Another account uses that email address.');
    await expectSignedIn(phone, '/');

    await laptop.goto('/profile');
    await card.getByLabel('New email address').fill('otto.weber@globex.test');
    await card.getByLabel('Current password').fill(DEMO_PASSWORD);
    await Promise.all([laptop.waitForURL('**/profile?notice=email-changed'), card.getByRole('button', { name: 'Change email' }).click()]);
    expect(await card.textContent()).toContain('otto.weber@globex.test');
    expect(await deviceLabels(laptop)).toEqual(['Chrome on Mac OS']);
    expect(await sessionCookie(laptop)).not.toBe(before);
    expect(await laptop.getByTestId('activity').textContent()).toContain('Email changed: every other device signed out');

    await expectSignedOut(phone, '/profile');
    await signIn(phone, 'otto.weber@globex.test');
    expect(location(phone)).toBe('/');
  });

  it('"Forgot password?" resets the password and signs out every device', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
    const stranger = await device(DEVICES.windowsFirefox);

    await stranger.goto('/login');
    await stranger.getByRole('link', { name: 'Forgot password?' }).click();
    await stranger.getByLabel('Email').fill('ben@acme.test');
    await stranger.getByRole('button', { name: 'Send reset link' }).click();
    await stranger.getByRole('link', { name: 'Choose a new password' }).click();
    const resetUrl = stranger.url();
    await stranger.getByLabel('New password', { exact: true }).fill('reset-by-email-1');
    await stranger.getByLabel('Repeat new password').fill('reset-by-email-1');
    await Promise.all([
      stranger.waitForURL('**/login?notice=password-reset'),
      stranger.getByRole('button', { name: 'Reset password and sign out everywhere' }).click(),
    ]);
    expect(await noticeText(stranger)).toContain('every device was signed out');

    await expectSignedOut(laptop, '/profile');
    await expectSignedOut(phone, '/');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=password_reset user=u-ben/.test(line))).toBe(true);

    // The link works once.
    const reused = await stranger.goto(resetUrl);
    expect(reused?.status()).toBe(404);
    expect(await stranger.getByRole('heading', { level: 1 }).textContent()).toBe('This link no longer works');

    await signIn(laptop, 'ben@acme.test', 'reset-by-email-1');
    expect(location(laptop)).toBe('/');
  });

  it('an unknown email gets the same answer and no link', async () => {
    const stranger = await device(DEVICES.windowsFirefox);
    await stranger.goto('/forgot-password');
    await stranger.getByLabel('Email').fill('nobody@acme.test');
    await stranger.getByRole('button', { name: 'Send reset link' }).click();
    expect(await stranger.getByRole('heading', { level: 1 }).textContent()).toBe('Check your email');
    expect(await stranger.getByRole('link', { name: 'Choose a new password' }).count()).toBe(0);
  });
});
