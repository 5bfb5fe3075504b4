import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { clickAndConfirm, expectSignedIn, expectSignedOut, noticeText } from './support/pages.js';

describeInBrowser('Team page', () => {
  const { device, server } = useDemoInBrowser();

  it('an owner signs a teammate out everywhere: every device of theirs goes to the login page', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const phone = await device(DEVICES.iphoneSafari, 'ben@acme.test');
    const owner = await device(DEVICES.windowsFirefox, 'ada@acme.test');

    await owner.goto('/team');
    const ben = owner.locator('[data-testid="member-row"][data-user-id="u-ben"]');
    expect(await ben.getByTestId('member-devices').textContent()).toBe('2 devices');
    // Owners do not sign themselves out here, and people of another tenant are not listed.
    expect(await owner.locator('[data-testid="member-row"][data-user-id="u-ada"] button').count()).toBe(0);
    expect(await owner.locator('[data-testid="member-row"][data-user-id="u-otto"]').count()).toBe(0);
    await screenshot(owner, 'team-before-signing-out');

    await clickAndConfirm(owner, ben.getByRole('button', { name: 'Sign out everywhere' }), 'Sign Ben Carter out of every device?');
    expect(await noticeText(owner)).toContain('signed out of every device');
    expect(await ben.getByTestId('member-devices').textContent()).toBe('Signed out');
    expect(await owner.getByTestId('activity').first().textContent()).toContain('Signed out of every device by Ada Lovelace');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=admin user=u-ben tenant=acme by=u-ada kinds=browser,remember(?:\s|$)/.test(line))).toBe(true);

    // Ben's open pages watch their sessions: each goes to the login page by itself, saying why. (Loading another
    // page at the same moment would race it: whichever request sees the revoked cookie first clears it.)
    for (const page of [laptop, phone]) {
      await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('reason') === 'session_revoked', { timeout: 5000 });
      expect(await noticeText(page)).toBe('You were signed out from another device (or by an administrator). Sign in again to continue.');
    }
    await expectSignedOut(laptop, '/');
    await expectSignedOut(phone, '/profile');
    await expectSignedIn(owner, '/team');
    await owner.goto('/');
    await screenshot(owner, 'dashboard');
  });

  it('revoking a teammate\'s API tokens is its own action and leaves their browsers signed in', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const owner = await device(DEVICES.windowsFirefox, 'ada@acme.test');
    await owner.goto('/team');
    const ben = owner.locator('[data-testid="member-row"][data-user-id="u-ben"]');
    await clickAndConfirm(owner, ben.getByRole('button', { name: 'Revoke API tokens' }), 'Revoke every API token of Ben Carter?');
    expect(await noticeText(owner)).toBe("Your teammate's API tokens were revoked. Their browser sessions are unchanged.");
    expect(await ben.getByTestId('member-devices').textContent()).toBe('1 device');
    expect(await owner.getByTestId('activity').first().textContent()).toContain('API tokens revoked by Ada Lovelace');
    expect(server().log.some((line) => /user\.session_invalidated\s+reason=admin_api_tokens user=u-ben tenant=acme by=u-ada kinds=api(?:\s|$)/.test(line))).toBe(true);
    await expectSignedIn(laptop, '/profile');
  });

  it('members do not see Team; an admin cannot sign out the owner', async () => {
    const member = await device(DEVICES.macChrome, 'ben@acme.test');
    expect(await member.getByRole('link', { name: 'Team' }).count()).toBe(0);
    expect((await member.goto('/team'))?.status()).toBe(403);

    const admin = await device(DEVICES.windowsFirefox, 'alan@acme.test');
    await device(DEVICES.iphoneSafari, 'ada@acme.test');
    await admin.goto('/team');
    expect(await admin.locator('[data-testid="member-row"][data-user-id="u-ada"] button').count()).toBe(0);
    const ownerAddress = await admin.request.post('/team/u-ada/sign-out', { headers: { origin: new URL(admin.url()).origin }, maxRedirects: 0 });
    expect(ownerAddress.status()).toBe(404);
    expect(await admin.locator('[data-testid="member-row"][data-user-id="u-ben"] button').allTextContents()).toEqual(['Sign out everywhere', 'Revoke API tokens']);
  });
});
