import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, openDevice, type Device } from './browser.js';
import { startDemo, type RunningDemo, type TestDemoOptions } from './demo-server.js';
import { signIn } from './pages.js';

/**
 * One browser and one in-process demo (memory store unless `options` say otherwise) per test
 * file; the devices a test opens are closed after it.
 */
export function useDemoInBrowser(options: TestDemoOptions = { store: 'memory' }): {
  readonly server: () => RunningDemo;
  /** Opens a device (its own cookie jar) and, given an email, signs in there. */
  readonly device: (which: Device, email?: string) => Promise<Page>;
} {
  let browser: Browser | undefined;
  let server: RunningDemo | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startDemo(options);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    server: () => server!,
    async device(which, email) {
      const opened = await openDevice(browser!, which, server!.url);
      contexts.push(opened.context);
      if (email !== undefined) await signIn(opened.page, email);
      return opened.page;
    },
  };
}
