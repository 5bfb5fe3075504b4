import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { testClock } from './support/demo-server.js';
import { useDemoInBrowser } from './support/fixture.js';
import { sessionRow } from './support/pages.js';

const MINUTE = 60_000;

// What a person should never have to read: event names (`session.created`) and reason codes
// (`sign_in`, `user.session_invalidated`).
const RAW_CODE = /\b[a-z]+\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b/;

describeInBrowser('the Activity list reads as sentences, with the device, the time and where it came from', () => {
  const clock = testClock();
  const { device } = useDemoInBrowser({ store: 'memory', clock: clock.now });

  it('each line: what happened, on which device, from which address, and how long ago; no event codes', async () => {
    const laptop = await device(DEVICES.macChrome, 'ada@acme.test');
    await device(DEVICES.iphoneSafari, 'ada@acme.test');
    clock.advance(5 * MINUTE);

    await laptop.goto('/profile');
    await sessionRow(laptop, 'Safari on iOS').getByRole('button', { name: 'Log out' }).click();
    await laptop.waitForURL('**/profile?notice=device-logged-out');

    const items = laptop.locator('[data-testid="activity"] .activity-item');
    const lines = (await items.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toMatch(RAW_CODE);
    // The device once: under the sentence when the sentence does not name it.
    expect(lines[0]).toMatch(/^Logged out one device from the device list Safari on iOS · from 127\.0\.0\.1 Just now$/);
    expect(lines[1]).toMatch(/^Signed in on Safari on iOS from 127\.0\.0\.1 5 minutes ago$/);
    expect(lines[2]).toMatch(/^Signed in on Chrome on Mac OS from 127\.0\.0\.1 5 minutes ago$/);
    expect(await laptop.getByTestId('activity').textContent()).not.toMatch(RAW_CODE);

    await laptop.getByTestId('activity').scrollIntoViewIfNeeded();
    await screenshot(laptop, 'profile-activity');
  });
});
