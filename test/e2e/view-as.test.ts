import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { clickAndConfirm, deviceLabels, expectSignedIn, location, noticeText, sessionCookie } from './support/pages.js';

describeInBrowser('"View as": an owner sees the app as a teammate (support access)', () => {
  // On the demo's default store, SQLite: support sessions, activity and links as `npm run demo` keeps them.
  const dataDir = mkdtempSync(join(tmpdir(), 'session-revocation-demo-'));
  const { device, server } = useDemoInBrowser({ store: 'sqlite', dataDir });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows a banner, refuses sensitive actions, ends on "End", and the teammate sees who it was', async () => {
    const teammate = await device(DEVICES.windowsFirefox, 'ben@acme.test');
    const owner = await device(DEVICES.macChrome, 'ada@acme.test');
    const ownCookie = await sessionCookie(owner);

    await owner.goto('/team');
    // Only the owner's teammates have the button, not the owner.
    expect(await owner.locator('[data-testid="member-row"][data-user-id="u-ada"]').getByRole('button', { name: /View as/ }).count()).toBe(0);
    await Promise.all([owner.waitForURL((url) => url.pathname === '/'), owner.getByRole('button', { name: 'View as Ben Carter' }).click()]);
    const banner = owner.getByTestId('support-banner');
    expect((await banner.textContent())?.replace(/\s+/g, ' ').trim()).toBe('You are viewing as Ben Carter — support access by Ada Lovelace · End');
    expect(await owner.locator('.account-name').textContent()).toBe('Ben Carter');
    expect(await sessionCookie(owner)).not.toBe(ownCookie);
    // The owner's own token waits in its own HttpOnly cookie, out of the page's reach.
    const kept = (await owner.context().cookies()).find((cookie) => cookie.name === 'keystone_own_session');
    expect(kept).toMatchObject({ value: ownCookie, httpOnly: true, sameSite: 'Lax' });
    expect(await owner.evaluate('document.cookie')).toBe('');

    await owner.goto('/profile');
    expect(await deviceLabels(owner)).toEqual(['Support access by Ada Lovelace', 'Firefox on Windows']);
    await screenshot(owner, 'view-as-profile');

    // A support session is never fresh: logging out the teammate's other devices is refused
    // outright (not sent to "Confirm it's you", which would ask for the teammate's password).
    await clickAndConfirm(owner, owner.getByRole('button', { name: 'Log out other devices' }), 'Log out other devices?');
    expect(await owner.getByRole('heading', { level: 1 }).textContent()).toBe('Not during support access');
    expect(await owner.getByTestId('support-refused').textContent()).toContain('Ada Lovelace is viewing as Ben Carter');
    await expectSignedIn(teammate, '/profile');

    await owner.goto('/profile');
    await Promise.all([owner.waitForURL((url) => url.pathname === '/team'), owner.getByTestId('support-banner').getByRole('button', { name: 'End' }).click()]);
    expect(location(owner)).toBe('/team?notice=support-access-ended');
    expect(await noticeText(owner)).toContain('Support access ended');
    expect(await owner.getByTestId('support-banner').count()).toBe(0);
    expect(await owner.locator('.account-name').textContent()).toBe('Ada Lovelace');
    // The owner's own session, as it was: the same token, not a new sign-in.
    expect(await sessionCookie(owner)).toBe(ownCookie);
    expect((await owner.context().cookies()).some((cookie) => cookie.name === 'keystone_own_session')).toBe(false);

    await teammate.goto('/profile');
    expect(await deviceLabels(teammate)).toEqual(['Firefox on Windows']);
    // The sentence is each entry's first line; the device and address follow on the next.
    const lines = await teammate.locator('[data-testid="activity"] .activity-text').allInnerTexts();
    expect(lines.slice(0, 2).map((text) => text.split('\n')[0]!.trim())).toEqual(['Support access by Ada Lovelace ended', 'Support access by Ada Lovelace began']);
    expect(server().log.some((line) => /session\.created\s+reason=impersonation user=u-ben tenant=acme by=u-ada/.test(line))).toBe(true);
    await screenshot(teammate, 'view-as-teammate-activity');

    // The team's activity shows it too, with whose account it was.
    await owner.goto('/team');
    expect(await owner.getByTestId('activity').textContent()).toContain('Ben Carter · Support access by Ada Lovelace ended');
  });

  it('the teammate\'s own "Sign out everywhere" ends the support access; "End" then brings the owner back', async () => {
    const teammate = await device(DEVICES.iphoneSafari, 'alan@acme.test');
    const owner = await device(DEVICES.androidChrome, 'ada@acme.test');
    await owner.goto('/team');
    await Promise.all([owner.waitForURL((url) => url.pathname === '/'), owner.getByRole('button', { name: 'View as Alan Turing' }).click()]);
    expect(await owner.getByTestId('support-banner').textContent()).toContain('You are viewing as Alan Turing');

    await teammate.goto('/profile');
    await clickAndConfirm(teammate, teammate.getByRole('button', { name: 'Sign out everywhere' }), 'Sign out of every device?');
    // The support session ended: the page open on it leaves for the login page by itself.
    await owner.waitForURL((url) => url.pathname === '/login');

    // The support session is gone, the owner's own one is not: the way back still works.
    await owner.request.post('/support-access/end', { headers: { origin: server().url }, maxRedirects: 0 });
    await expectSignedIn(owner, '/team');
    expect(await owner.locator('.account-name').textContent()).toBe('Ada Lovelace');
  });
});
