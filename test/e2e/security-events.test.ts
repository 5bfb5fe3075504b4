import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { expectSignedIn, expectSignedOut, location, openWatchedPage, sessionCookie } from './support/pages.js';

// `npm run demo -- --idp`: the provider console beside the local OpenID provider pushes a CAEP
// session-revoked Security Event Token to the demo's security-events route, which ends that
// provider session's Keystone session; the Security (Profile) page says why.

describeInBrowser('npm run demo -- --idp: a security event pushed from the provider console', () => {
  const { device, server } = useDemoInBrowser({ store: 'memory', identityProvider: true });

  /** A device that reaches nothing but the demo and its provider (their pages import a web font). */
  async function offlineDevice(which: (typeof DEVICES)[keyof typeof DEVICES], email?: string): Promise<Page> {
    const page = await device(which, email);
    await page.context().route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    return page;
  }

  /** Signs in through the provider's development login and consent pages. */
  async function signInAtProvider(page: Page, email: string): Promise<void> {
    const { issuer, url } = server();
    await page.goto('/login');
    await Promise.all([page.waitForURL((to) => to.origin === issuer), page.getByRole('button', { name: 'Sign in with the identity provider' }).click()]);
    await page.locator('input[name="login"]').fill(email);
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('heading', { name: 'Authorize' }).waitFor();
    await Promise.all([page.waitForURL((to) => to.origin === url && to.pathname === '/'), page.getByRole('button', { name: 'Continue' }).click()]);
  }

  it('"Push session-revoked" ends that provider session\'s session only, and the Security page says the identity provider\'s security alert ended it', async () => {
    const laptop = await offlineDevice(DEVICES.macChrome);
    await signInAtProvider(laptop, 'ada@acme.test');
    // Ada's phone signed in with her password: no provider session, so the event leaves it.
    const phone = await offlineDevice(DEVICES.iphoneSafari, 'ada@acme.test');
    const cookie = await sessionCookie(laptop);

    // A tab left open on the laptop's Profile page, listening for its session's end.
    await openWatchedPage(laptop);
    const laptopLeft = laptop.waitForURL((to) => to.pathname === '/login');

    // The administrator's console at the provider lists the provider session, and pushes.
    const admin = await offlineDevice(DEVICES.windowsFirefox);
    await admin.goto(`${server().issuer}/console`);
    const row = admin.getByTestId('provider-session').filter({ hasText: 'ada@acme.test' });
    expect(await row.textContent()).toContain('Chrome on Mac OS');
    await Promise.all([admin.waitForURL((to) => to.searchParams.has('pushed')), row.getByRole('button', { name: 'Push session-revoked' }).click()]);
    expect(await admin.getByRole('status').textContent()).toMatch(/Pushed session-revoked for session .+: the app answered 202\./);
    await screenshot(admin, 'provider-console-pushed');

    // The laptop's open page went to the login page by itself; its cookie is refused.
    await laptopLeft;
    expect(location(laptop)).toBe('/login?next=/profile&reason=session_revoked');
    const refused = await fetch(`${server().url}/api/sessions`, { headers: { cookie: `session=${cookie}` } });
    expect(refused.status).toBe(401);
    await expectSignedOut(laptop, '/profile');

    // The phone is still signed in, and its Security page says what ended the laptop's session.
    await expectSignedIn(phone, '/profile');
    const activity = phone.getByTestId('activity');
    expect(await activity.textContent()).toContain("Signed out by your identity provider's security alert, which ended the session on Chrome on Mac OS");
    await screenshot(phone, 'security-event-activity', { fullPage: true });
    expect(server().log.some((line) => /session\.revoked\s+reason=security_event user=u-ada/.test(line))).toBe(true);
  });
});
