import type { Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { useDemoInBrowser } from './support/fixture.js';
import { expectSignedIn, expectSignedOut, signIn } from './support/pages.js';

/** The outbox's emails to `to`, newest first: their text and their "This wasn't me" link. */
async function emailsTo(page: Page, to: string): Promise<Array<{ text: string; link: string }>> {
  await page.goto('/outbox');
  const emails = page.getByTestId('email').filter({ hasText: `To ${to}` });
  const found: Array<{ text: string; link: string }> = [];
  for (const email of await emails.all()) {
    found.push({ text: (await email.getByTestId('email-text').textContent()) ?? '', link: (await email.getByTestId('not-me-link').getAttribute('href')) ?? '' });
  }
  return found;
}

describeInBrowser('"This wasn\'t me": the new-sign-in email and its one-time link', () => {
  // On the demo's default store, SQLite: support sessions, activity and links as `npm run demo` keeps them.
  const dataDir = mkdtempSync(join(tmpdir(), 'session-revocation-demo-'));
  const { device } = useDemoInBrowser({ store: 'sqlite', dataDir });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('GET asks and signs nothing out; the button signs that device out; the link then no longer works', async () => {
    const laptop = await device(DEVICES.windowsFirefox, 'otto@globex.test');
    // Another browser, with no session at all: whoever reads the email.
    const mail = await device(DEVICES.macChrome);

    await expect.poll(async () => (await emailsTo(mail, 'otto@globex.test')).length).toBe(1);
    const [email] = await emailsTo(mail, 'otto@globex.test');
    expect(email!.text).toMatch(/^New sign-in to your account: Firefox on Windows, IP \S+, time \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(email!.link).toMatch(/^\/api\/sessions\/not-me\?token=[^&]+$/);
    await screenshot(mail, 'outbox-new-sign-in');

    // A mail scanner or a link preview follows the link: that must sign nobody out.
    await mail.goto(email!.link);
    expect(await mail.getByRole('heading', { level: 1 }).textContent()).toBe("Wasn't you?");
    await screenshot(mail, 'not-me-confirm');
    await expectSignedIn(laptop, '/profile');

    await mail.goto(email!.link);
    await Promise.all([mail.waitForLoadState('load'), mail.getByRole('button', { name: 'Sign out that device' }).click()]);
    expect(await mail.getByRole('heading', { level: 1 }).textContent()).toBe('That device was signed out');
    // The page open there leaves by itself (live sign-out), then every navigation is refused.
    await laptop.waitForURL((url) => url.pathname === '/login');
    await expectSignedOut(laptop, '/profile');

    // Once only: the same link is refused, and signs out nothing more.
    await mail.goto(email!.link);
    await Promise.all([mail.waitForLoadState('load'), mail.getByRole('button', { name: 'Sign out that device' }).click()]);
    expect(await mail.getByRole('heading', { level: 1 }).textContent()).toBe('This link no longer works');

    // A sign-in from that device again (the intruder's, as far as anyone knows) is a new device's:
    // a second email goes out; the activity says what the link did.
    await signIn(laptop, 'otto@globex.test');
    await laptop.goto('/profile');
    expect(await laptop.getByTestId('activity').textContent()).toContain('Signed out Firefox on Windows from a "This wasn\'t me" link');
    await expect.poll(async () => (await emailsTo(mail, 'otto@globex.test')).length).toBe(2);
  });

  it('a sign-in from another browser sends its own email, naming that device', async () => {
    await device(DEVICES.macChrome, 'grace@globex.test');
    const mail = await device(DEVICES.iphoneSafari);
    await expect.poll(async () => (await emailsTo(mail, 'grace@globex.test')).length).toBe(1);
    await device(DEVICES.androidChrome, 'grace@globex.test');
    await expect.poll(async () => (await emailsTo(mail, 'grace@globex.test')).map((email) => email.text.split(',')[0])).toEqual([
      'New sign-in to your account: Chrome on Android',
      'New sign-in to your account: Chrome on Mac OS',
    ]);
  });
});
