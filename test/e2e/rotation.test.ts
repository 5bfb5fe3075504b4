import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeInBrowser, DEVICES, screenshot } from './support/browser.js';
import { testClock } from './support/demo-server.js';
import { useDemoInBrowser } from './support/fixture.js';
import { expectSignedIn, expectSignedOut, location, openWatchedPage, sessionRows, signIn } from './support/pages.js';

const MINUTE = 60_000;
const ROTATION = { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE };
const REUSED = "Your session on Chrome on Mac OS was used from two places, so we signed it out. If this wasn't you, change your password.";

/** The session cookie the page's browser holds. */
async function sessionCookie(page: Page): Promise<string | undefined> {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'session')?.value;
}

/** `count` API calls fired at once from the page: their statuses. */
function burst(page: Page, count: number): Promise<number[]> {
  return page.evaluate((n) => Promise.all(Array.from({ length: n }, () => fetch('/api/sessions', { credentials: 'same-origin' }).then((response) => response.status))), count);
}

describeInBrowser('rotation of remember-me cookies with reuse detection', () => {
  // The demo's manager reads this clock: rotation and the grace pass without waiting.
  const clock = testClock();
  const { device } = useDemoInBrowser({ store: 'memory', clock: clock.now, rotation: ROTATION });

  it('two tabs firing requests across a rotation stay signed in, on one session', async () => {
    const first = await device(DEVICES.macChrome, 'otto@globex.test');
    const second = await first.context().newPage();
    await second.goto('/profile');
    const before = await sessionCookie(first);
    clock.advance(ROTATION.rotateAfter);
    // Both tabs at once, while the rotation happens: every request is let in.
    const statuses = await Promise.all([burst(first, 10), burst(second, 10)]);
    expect(statuses.flat()).toEqual(Array.from({ length: 20 }, () => 200));
    const pages = await Promise.all([first.goto('/profile'), second.goto('/profile')]);
    expect(pages.map((response) => [response?.status(), new URL(response?.url() ?? '').pathname])).toEqual([[200, '/profile'], [200, '/profile']]);
    const after = await sessionCookie(first);
    expect(after).not.toBe(before);
    expect(after?.split('.')[0]).toBe(before?.split('.')[0]);
    // Past the grace the tabs hold the new cookie: still signed in, one row for this browser.
    clock.advance(ROTATION.rotationGrace);
    await expectSignedIn(first, '/profile');
    await expectSignedIn(second, '/profile');
    expect(await sessionRows(first).count()).toBe(1);
  });

  it('a copied cookie replayed after the grace signs both out, and the Security page says what happened', async () => {
    const laptop = await device(DEVICES.macChrome, 'grace@globex.test');
    const copied = (await laptop.context().cookies()).find((cookie) => cookie.name === 'session')!;
    const thief = await device(DEVICES.windowsFirefox);
    await thief.context().addCookies([copied]);
    clock.advance(ROTATION.rotateAfter);
    // The owner's next page rotates the secret and listens for its end; the copy is the retired one now.
    await openWatchedPage(laptop);
    expect(location(laptop)).toBe('/profile');
    expect(await sessionCookie(laptop)).not.toBe(copied.value);
    clock.advance(ROTATION.rotationGrace);
    const ownerLeft = laptop.waitForURL((url) => url.pathname === '/login', { timeout: 5_000 });
    await thief.goto('/profile');
    expect(new URL(thief.url()).searchParams.get('reason')).toBe('session_reused');
    expect(await thief.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await expectSignedOut(thief, '/profile');
    // The owner's open page left by itself, told it was used from two places, not just signed out.
    await ownerLeft;
    expect(location(laptop)).toBe('/login?next=/profile&reason=session_reused');
    await expectSignedOut(laptop, '/profile');
    // The owner is told the same, not just "signed out".
    expect(new URL(laptop.url()).searchParams.get('reason')).toBe('session_reused');
    await signIn(laptop, 'grace@globex.test');
    await laptop.goto('/profile');
    await expect.poll(async () => laptop.getByTestId('activity').textContent()).toContain(REUSED);
    await screenshot(laptop, 'rotation-reused-activity');
    // The alert email says the same, with the way to the password form.
    await laptop.goto('/outbox');
    const email = laptop.getByTestId('email').filter({ hasText: 'To grace@globex.test' }).filter({ has: laptop.getByTestId('password-link') });
    expect(await email.getByTestId('email-text').textContent()).toBe(REUSED);
    expect(await email.getByTestId('password-link').getAttribute('href')).toBe('/profile');
  });
  it('a copied cookie used twice while its owner was away: the owner\'s return signs both out as reused', async () => {
    const laptop = await device(DEVICES.macChrome, 'ben@acme.test');
    const copied = (await laptop.context().cookies()).find((cookie) => cookie.name === 'session')!;
    // The owner closes the app: no page of theirs sends the cookie while the thief uses the copy.
    await laptop.goto('about:blank');
    const thief = await device(DEVICES.windowsFirefox);
    await thief.context().addCookies([copied]);
    clock.advance(ROTATION.rotateAfter);
    await openWatchedPage(thief);
    expect(location(thief)).toBe('/profile');
    // The second rotation; the thief's page then listens for its session's end.
    clock.advance(ROTATION.rotateAfter);
    await openWatchedPage(thief);
    expect(location(thief)).toBe('/profile');
    // The owner's cookie is two rotations old now: neither the current secret nor the previous one.
    expect(await sessionCookie(thief)).not.toBe(copied.value);
    clock.advance(ROTATION.rotateAfter);
    const thiefLeft = thief.waitForURL((url) => url.pathname === '/login', { timeout: 5_000 });
    await laptop.goto('/profile');
    expect(location(laptop)).toBe('/login?next=/profile&reason=session_reused');
    await thiefLeft;
    expect(location(thief)).toBe('/login?next=/profile&reason=session_reused');
    await expectSignedOut(thief, '/profile');
  });
});
