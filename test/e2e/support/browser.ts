import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`); playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Bounds for every wait, so a broken page fails a test instead of hanging it. */
const ACTION_TIMEOUT = 10_000;
const NAVIGATION_TIMEOUT = 15_000;

/**
 * `describe` for browser tests. Without Chromium they are skipped with a message, except in CI
 * (`CI=true`), where they run and fail: a CI machine must have the browser.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH) || IN_CI) {
    describe(name, body);
    return;
  }
  console.warn(`\n⚠ Browser tests skipped: no Chromium at ${CHROMIUM_PATH}. Install it with "apt-get install -y chromium" (or set CHROMIUM_PATH); with CI=true they fail instead.\n`);
  describe.skip(name, body);
}

/**
 * Debian's Chromium; `backForwardCache`: with it on, as in users' browsers (playwright turns it off); `hostResolverRules`:
 * Chromium's `--host-resolver-rules` (`MAP name 127.0.0.1`: a server reached under a name, as behind a proxy passing the Host).
 */
export async function launchBrowser(options: { backForwardCache?: boolean; hostResolverRules?: string } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  }
  const ignoreDefaultArgs = options.backForwardCache === true ? ['--disable-back-forward-cache'] : undefined;
  const args = options.hostResolverRules === undefined ? LAUNCH_ARGS : [...LAUNCH_ARGS, `--host-resolver-rules=${options.hostResolverRules}`];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, ignoreDefaultArgs, headless: true, timeout: 30_000 });
}

/** A browser + OS pair the server tells apart by its User-Agent. */
export interface Device {
  readonly label: string;
  readonly userAgent: string;
  readonly viewport: { readonly width: number; readonly height: number };
}

export const DEVICES = {
  macChrome: {
    label: 'Chrome on Mac OS',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    viewport: { width: 1280, height: 900 },
  },
  iphoneSafari: {
    label: 'Safari on iOS',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    viewport: { width: 390, height: 844 },
  },
  windowsFirefox: {
    label: 'Firefox on Windows',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    viewport: { width: 1280, height: 900 },
  },
  androidChrome: {
    label: 'Chrome on Android',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    viewport: { width: 412, height: 915 },
  },
} as const satisfies Record<string, Device>;

/** A browser context standing in for one device, with its own cookie jar. */
export async function openDevice(browser: Browser, device: Device, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, userAgent: device.userAgent, viewport: device.viewport, locale: 'en-US' });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT);
  const page = await context.newPage();
  return { context, page };
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** Saves `test-output/screenshots/<name>.png`; the whole page unless a modal needs the viewport. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true, timeout: ACTION_TIMEOUT });
  return path;
}
