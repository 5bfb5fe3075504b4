import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, DEVICES, launchBrowser, openDevice } from './support/browser.js';
import { deviceLabels, expectSignedIn, expectSignedOut, signIn, signOutFromMenu } from './support/pages.js';

interface DemoProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
}

/** A port free right now, so the restarted demo can listen where the first one did. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `npm run demo` as a user runs it (build, then plain node), on a scratch data folder. */
async function runDemo(dataDir: string, port: number): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['scripts/demo.mjs', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The demo did not start within 60 s:\n${output}`)), 60_000);
    const check = (): void => {
      const found = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      resolve(found[1]!);
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

async function stop(demo: DemoProcess | undefined): Promise<void> {
  if (demo === undefined || demo.child.exitCode !== null) return;
  const exited = new Promise((resolve) => demo.child.once('exit', resolve));
  demo.child.kill('SIGTERM');
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describeInBrowser('npm run demo on the SQLite store', () => {
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'session-revocation-demo-'));
  const running: DemoProcess[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const demo of running) await stop(demo);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps sessions, their activity and the global logout setting across a restart, and prints audit events', async () => {
    const port = await freePort();
    const first = await runDemo(dataDir, port);
    running.push(first);
    expect(first.output()).toContain(`SQLite, ${join(dataDir, 'demo.sqlite')}`);
    expect(first.output()).toContain('ada@acme.test');

    const laptop = await openDevice(browser, DEVICES.macChrome, first.url);
    const phone = await openDevice(browser, DEVICES.iphoneSafari, first.url);
    try {
      await signIn(laptop.page, 'ada@acme.test');
      await signIn(phone.page, 'ada@acme.test');
      await laptop.page.goto('/settings');
      await laptop.page.getByLabel('Enable global logout').check();
      await Promise.all([laptop.page.waitForURL('**/settings?notice=settings-saved'), laptop.page.getByRole('button', { name: 'Save' }).click()]);
      expect(first.output()).toMatch(/\[audit\] \S+ session\.created\s+reason=sign_in user=u-ada tenant=acme device="Safari on iOS"/);

      await stop(first);
      const second = await runDemo(dataDir, port);
      running.push(second);

      await expectSignedIn(laptop.page, '/profile');
      expect(await deviceLabels(laptop.page)).toEqual(['Chrome on Mac OS', 'Safari on iOS']);
      // The Activity list is the store's own account activity: it survived the restart too.
      const activity = await laptop.page.locator('[data-testid="activity"] .activity-text').allInnerTexts();
      expect(activity.map((text) => text.split('\n')[0]!.trim())).toEqual(['Signed in on Safari on iOS', 'Signed in on Chrome on Mac OS']);
      await expectSignedIn(phone.page, '/');
      await laptop.page.goto('/settings');
      expect(await laptop.page.getByLabel('Enable global logout').isChecked()).toBe(true);

      // The setting survived too: a plain sign-out ends the phone as well.
      await signOutFromMenu(laptop.page);
      await expectSignedOut(phone.page, '/profile');
      expect(second.output()).toMatch(/\[audit\] \S+ user\.session_invalidated\s+reason=global_logout user=u-ada tenant=acme/);
    } finally {
      await laptop.context.close();
      await phone.context.close();
    }
  });
});
