import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../../examples/shared/demo-users.js';

/** Signs in through the login form and waits for the dashboard. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

/** The path (and query) the page shows now. */
export function location(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/**
 * Loads `path`. A page that watches its session (live sign-out) may be on its way to the login
 * page by itself when the revocation happened elsewhere: that navigation is let finish, then
 * `path` is loaded again.
 */
export async function visit(page: Page, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(path);
      return;
    } catch (error) {
      if (attempt >= 3 || !/interrupted by another navigation/.test(String(error))) throw error;
      await page.waitForLoadState();
    }
  }
}

/**
 * Loads `path` and waits until the page watches its session. The pages of one browser share one
 * stream: the first page waits for its stream to open (the server answered it), a later one until
 * it is in line for that stream behind the page that holds it. Call it for every watched page
 * before the next: an earlier page's late answer would otherwise match.
 */
export async function openWatchedPage(page: Page, path = '/profile'): Promise<void> {
  const watching = page.context().pages().find((other) => other !== page && other.url().startsWith('http'));
  const before = watching === undefined ? 0 : await watchersOf(watching);
  if (before === 0) {
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/api/sessions/events') && response.status() === 200), page.goto(path)]);
    return;
  }
  await page.goto(path);
  await expect.poll(() => watchersOf(page), { timeout: 10_000 }).toBe(before + 1);
}

// The browser's Web Locks, typed here: the tests compile without the DOM library.
type LockManager = { query(): Promise<{ held?: { name?: string }[]; pending?: { name?: string }[] }> };

/** How many pages of the browser watch their session: the one holding the shared stream's lock and those in line for it. */
function watchersOf(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { held = [], pending = [] } = await (globalThis as unknown as { navigator: { locks: LockManager } }).navigator.locks.query();
    return [...held, ...pending].filter((lock) => lock.name?.startsWith('session-revocation ')).length;
  });
}

/** Loads `path` and asserts the device was sent to the login page instead. */
export async function expectSignedOut(page: Page, path = '/profile'): Promise<void> {
  await visit(page, path);
  const url = new URL(page.url());
  expect({ path: url.pathname, next: url.searchParams.get('next') }).toEqual({ path: '/login', next: path });
  await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
}

/** Loads `path` and asserts the device is still signed in there. */
export async function expectSignedIn(page: Page, path = '/profile'): Promise<void> {
  await visit(page, path);
  expect(location(page)).toBe(path);
}

export function sessionRows(page: Page): Locator {
  return page.getByTestId('session-row');
}

export function sessionRow(page: Page, deviceLabel: string): Locator {
  return sessionRows(page).filter({ has: page.locator('.device-label', { hasText: deviceLabel }) });
}

/** The labels of the Login management rows, in page order. */
export async function deviceLabels(page: Page): Promise<string[]> {
  return page.locator('[data-testid="session-row"] .device-label').allTextContents();
}

/** Answers the confirmation dialog a form opened. */
export async function answerDialog(page: Page, answer: 'confirm' | 'cancel', expectedTitle?: string): Promise<void> {
  const dialog = page.locator('#confirm-dialog');
  await dialog.waitFor({ state: 'visible' });
  if (expectedTitle !== undefined) expect(await dialog.locator('h2').textContent()).toBe(expectedTitle);
  await dialog.locator(`button[value="${answer}"]`).click();
}

/** Clicks a button whose form asks for confirmation, confirms, and waits for the next page. */
export async function clickAndConfirm(page: Page, button: Locator, expectedTitle?: string): Promise<void> {
  await button.click();
  await Promise.all([page.waitForEvent('load'), answerDialog(page, 'confirm', expectedTitle)]);
}

/** Signs out from the account menu in the top-right corner. */
export async function signOutFromMenu(page: Page): Promise<void> {
  await page.locator('.account-menu summary').click();
  await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.getByRole('menuitem', { name: 'Sign out' }).click()]);
}

/** The text of the page's notice banner; a page without one fails naming the page it is. */
export async function noticeText(page: Page): Promise<string> {
  const notice = page.locator('.notice').first();
  await notice.waitFor({ state: 'attached' }).catch(async (error: unknown) => {
    throw new Error(`No notice on ${page.url()} ("${await page.title().catch(() => '')}"): ${String(error)}`);
  });
  return (await notice.textContent())?.trim() ?? '';
}

/** The cookie value holding this device's session token. */
export async function sessionCookie(page: Page): Promise<string | undefined> {
  const cookies = await page.context().cookies();
  return cookies.find((cookie) => cookie.name === 'session')?.value;
}
