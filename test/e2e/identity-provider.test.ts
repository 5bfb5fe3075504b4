import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { expectSignedOut, location, noticeText, openWatchedPage, sessionCookie } from './support/pages.js';

// `npm run demo -- --idp`: the demo with its local OpenID provider (oidc-provider), through the
// provider's own pages: its development login and consent, then its logout confirmation, whose
// back-channel logout request ends the demo's session.

/** Opens `/profile` in a new tab of the same browser and waits until its live sign-out stream is open. */
async function watchedTab(page: Page): Promise<Page> {
  const tab = await page.context().newPage();
  await openWatchedPage(tab);
  return tab;
}

describeInBrowser('npm run demo -- --idp: sign-in and sign-out through a local OpenID provider', () => {
  // On SQLite, as `npm run demo -- --idp` runs by default. Removed after the demo has closed it.
  const dataDir = mkdtempSync(join(tmpdir(), 'keystone-idp-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const { device, server } = useDemoInBrowser({ store: 'sqlite', dataDir, identityProvider: true });

  /** A device that reaches nothing but the demo and its provider (their pages import a web font). */
  async function offlineDevice(): Promise<Page> {
    const page = await device(DEVICES.macChrome);
    await page.context().route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    return page;
  }

  /** From the demo's login page to the provider's development login page. */
  async function toProviderLogin(page: Page): Promise<void> {
    const { issuer } = server();
    await page.goto('/login');
    await Promise.all([
      page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/')),
      page.getByRole('button', { name: 'Sign in with the identity provider' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Sign-in' }).waitFor();
  }

  it('signs in at the provider, shows where the session came from, and the provider\'s back-channel logout ends it', async () => {
    const laptop = await offlineDevice();
    const { url, issuer } = server();

    await toProviderLogin(laptop);
    // The development login takes any password; the login is a demo account's email.
    await laptop.locator('input[name="login"]').fill('ada@acme.test');
    await laptop.locator('input[name="password"]').fill('anything');
    await laptop.getByRole('button', { name: 'Sign-in' }).click();
    await laptop.getByRole('heading', { name: 'Authorize' }).waitFor();
    await Promise.all([laptop.waitForURL((page) => page.origin === url && page.pathname === '/'), laptop.getByRole('button', { name: 'Continue' }).click()]);

    // The Profile page says where this session came from.
    await laptop.goto('/profile');
    const card = laptop.getByTestId('identity-provider');
    expect(await card.getByTestId('idp-issuer').textContent()).toBe(issuer);
    expect(await card.textContent()).toContain('you signed in there as ada@acme.test');
    const current = laptop.locator('[data-testid="session-row"].is-current');
    expect(await current.locator('.federated-origin').textContent()).toBe('Signed in through the identity provider');
    await screenshot(laptop, 'idp-profile');

    // A second tab of the same browser stays on Profile, listening for its session's end.
    const watcher = await watchedTab(laptop);
    const cookie = await sessionCookie(laptop);
    expect(cookie).toEqual(expect.any(String));

    // "Sign out at the provider": the provider's logout page, with the ID token as its hint.
    await Promise.all([laptop.waitForURL((page) => page.origin === issuer), card.getByRole('button', { name: 'Sign out at the provider' }).click()]);
    expect(await laptop.getByRole('heading').first().textContent()).toContain('Do you want to sign-out');
    expect(server().log.some((line) => line.includes('reason=idp_logout'))).toBe(false);
    await screenshot(laptop, 'idp-provider-logout');

    const watcherLeft = watcher.waitForURL((page) => page.pathname === '/login');
    await Promise.all([laptop.waitForURL((page) => page.origin === url && page.pathname === '/login'), laptop.getByRole('button', { name: 'Yes, sign me out' }).click()]);
    expect(location(laptop)).toBe('/login?notice=idp-signed-out');
    expect(await noticeText(laptop)).toContain("its back-channel logout ended this device's Keystone session");

    // The open tab left by itself, when the back-channel logout revoked the session.
    await watcherLeft;
    expect(location(watcher)).toBe('/login?next=/profile&reason=session_revoked');
    expect(await noticeText(watcher)).toContain('at the identity provider');
    await screenshot(watcher, 'idp-live-sign-out');
    expect(server().log.some((line) => /session\.revoked\s+reason=idp_logout user=u-ada/.test(line))).toBe(true);

    // The cookie of that session is refused from now on.
    const refused = await fetch(`${url}/api/sessions`, { headers: { cookie: `session=${cookie}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'session_revoked' });
    await expectSignedOut(laptop, '/profile');
  });

  it('a login at the provider that is no Keystone account is refused, and the next sign-in asks the provider again', async () => {
    const laptop = await offlineDevice();
    await toProviderLogin(laptop);
    await laptop.locator('input[name="login"]').fill('nobody@example.test');
    await laptop.locator('input[name="password"]').fill('anything');
    await laptop.getByRole('button', { name: 'Sign-in' }).click();
    await laptop.getByRole('heading', { name: 'Authorize' }).waitFor();
    await Promise.all([laptop.waitForURL((page) => page.origin === server().url), laptop.getByRole('button', { name: 'Continue' }).click()]);
    expect(location(laptop)).toBe('/login?notice=idp-no-account');
    expect(await noticeText(laptop)).toContain('without a Keystone account');
    expect(await sessionCookie(laptop)).toBeUndefined();
    // The provider still has its session for that login, yet shows its login page again.
    await toProviderLogin(laptop);
  });

  it('a sign-in cancelled at the provider comes back to the login page, signed out, with a notice', async () => {
    const laptop = await offlineDevice();
    await toProviderLogin(laptop);
    await Promise.all([laptop.waitForURL((page) => page.origin === server().url), laptop.getByRole('link', { name: '[ Cancel ]' }).click()]);
    expect(location(laptop)).toBe('/login?notice=idp-sign-in-failed');
    expect(await noticeText(laptop)).toContain('The identity provider did not sign you in');
    expect(await sessionCookie(laptop)).toBeUndefined();
  });
});
