import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, formOf, logoutConfirmation, type Visit } from '../federated/support/browser.mjs';

// `npm run example:oidc` (examples/oidc-app), driven as a person would: sign-in through the
// development provider's own login and consent pages, the Security page, a sign-out at the
// provider ending the app's session through its back-channel logout, and "Sign out everywhere".

// What a browser sends with every navigation: pages, and the library's redirect to the login page, are for it.
const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const LAPTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let app: string;
let issuer: string;
let output = '';
let stop: () => Promise<void>;

beforeAll(async () => {
  const child = spawn(process.execPath, ['scripts/example.mjs', 'oidc', '--port', '0', '--provider-port', '0'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');
  stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  [app, issuer] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No addresses printed within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      const found = /session-revocation at (http:\/\/127\.0\.0\.1:\d+)\n.*\(oidc-provider\) at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      resolve([found[1]!, found[2]!]);
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`Exited with ${String(code)}:\n${output}`));
    });
  });
}, 90_000);

afterAll(() => stop?.());

const browser = (userAgent: string) => new Browser({ headers: { 'user-agent': userAgent, accept: ACCEPT } });

/** Submits the first form of `page` (its hidden fields, plus `extra`) and follows the redirects. */
async function submit(browser: Browser, page: Visit, extra: Record<string, string> = {}): Promise<Visit> {
  const { action, fields } = formOf(await page.response.text(), page.url);
  return browser.visit(action, { form: { ...fields, ...extra } });
}

/** Clicks "Sign in with the identity provider" and answers the provider's pages (`meanwhile` runs once the provider is reached); the page it ends on, and the provider pages seen. */
async function signIn(browser: Browser, login: string, meanwhile?: () => Promise<void>): Promise<{ page: Visit; providerPages: string[] }> {
  let page = await submit(browser, await browser.visit(`${app}/`));
  await meanwhile?.();
  const providerPages: string[] = [];
  for (let step = 0; page.url.origin === issuer; step++) {
    if (step === 5) throw new Error(`Still at the provider after ${step} pages: ${page.url.href}`);
    const html = await page.response.clone().text();
    // oidc-provider's development pages: "Sign-in" (any login and password), then "Authorize".
    const kind = html.includes('name="login"') ? 'login' : 'consent';
    providerPages.push(kind);
    page = await submit(browser, page, kind === 'login' ? { login, password: 'any password' } : {});
  }
  return { page, providerPages };
}

const text = async ({ response }: Visit) => (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('npm run example:oidc', () => {
  it('signs in through the provider\'s login and consent pages; the Security page lists each device', async () => {
    const laptop = browser(LAPTOP);
    const phone = browser(PHONE);
    const first = await signIn(laptop, 'ada');
    expect(first.providerPages).toEqual(['login', 'consent']);
    expect(first.page.url.href).toBe(`${app}/security`);
    await signIn(phone, 'ada');

    const visited = await laptop.visit(`${app}/security`);
    // No other site may frame the page and lay its own button over "Sign out everywhere".
    expect([visited.response.headers.get('content-security-policy'), visited.response.headers.get('x-frame-options')]).toEqual(["frame-ancestors 'none'", 'DENY']);
    const security = await text(visited);
    expect(security).toContain('Signed in as ada');
    expect(security).toContain('Firefox on Windows · last used Just now · signed in through the identity provider · this device');
    expect(security).toContain('Safari on iOS · last used Just now · signed in through the identity provider');
  });

  it('a visit to the redirect URI that this browser did not start (a link from another site) fails alone: the sign-in under way still completes', async () => {
    const laptop = browser(LAPTOP);
    const { page } = await signIn(laptop, 'ada', async () => {
      expect((await laptop.visit(`${app}/callback?code=forged&state=forged`)).url.href).toBe(`${app}/?reason=sign_in_failed`);
    });
    expect(page.url.href).toBe(`${app}/security`);
  });

  it('a sign-out at the provider ends this device\'s session through the back-channel logout: the next request is refused', async () => {
    const laptop = browser(LAPTOP);
    const phone = browser(PHONE);
    await signIn(laptop, 'grace');
    await signIn(phone, 'grace');

    // The person signs out on the provider's own page, not through the app.
    const { action, form } = await logoutConfirmation(laptop, `${issuer}/session/end`);
    expect((await laptop.fetch(action, { form })).status).toBe(303);

    const refused = await laptop.fetch(`${app}/security`);
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/?next=/security&reason=session_revoked');
    expect(await text(await laptop.visit(`${app}/?next=/security&reason=session_revoked`))).toContain('You were signed out (from another device, or at the identity provider).');
    // The phone signed in through its own provider session: still signed in.
    expect((await phone.visit(`${app}/security`)).url.href).toBe(`${app}/security`);
    expect(output).not.toContain('Back-channel logout to oidc-example failed');
  });

  it('"Sign out this device": the provider\'s logout page, then back at the app, signed out here and at the provider', async () => {
    const laptop = browser(LAPTOP);
    const { page } = await signIn(laptop, 'linus');
    const confirmation = await submit(laptop, page);
    expect(confirmation.url.origin).toBe(issuer);
    expect(await confirmation.response.clone().text()).toContain('Do you want to sign-out');

    const back = await submit(laptop, confirmation, { logout: 'yes' });
    expect(back.url.href).toBe(`${app}/?reason=signed_out`);
    expect(await text(back)).toContain('You are signed out of this app.');
    // The provider's back-channel logout had ended the session before it sent the browser back.
    expect(output).not.toContain("The provider's back-channel logout did not end session");
    expect((await laptop.fetch(`${app}/security`)).status).toBe(303);
    // And the provider's session is gone: the next sign-in asks for the login again.
    expect((await signIn(laptop, 'linus')).providerPages).toEqual(['login', 'consent']);
  });

  it('"Sign out this device" answered "No" at the provider: signed out of the app only, which the app says; the next sign-in needs no login', async () => {
    const laptop = browser(LAPTOP);
    const { page } = await signIn(laptop, 'grace');
    const confirmation = await submit(laptop, page);
    expect(await confirmation.response.clone().text()).toContain('Do you want to sign-out');
    // The provider's second button: its form without logout=yes.
    const back = await submit(laptop, confirmation);
    const shown = await text(back);
    expect(shown).toContain('You are signed out of this app.');
    expect(shown).not.toContain('at the identity provider');
    expect((await laptop.fetch(`${app}/security`)).status).toBe(303);
    expect((await signIn(laptop, 'grace')).providerPages).not.toContain('login');
  });

  it('back at the post-logout page with the session still live (the back-channel request did not arrive), the app ends it there', async () => {
    const laptop = browser(LAPTOP);
    const { page } = await signIn(laptop, 'barbara');
    const { action, fields } = formOf(await page.response.text(), page.url);
    const toProvider = await laptop.fetch(action, { form: fields });
    const logoutUrl = new URL(toProvider.headers.get('location')!);
    expect(logoutUrl.origin).toBe(issuer);
    const state = logoutUrl.searchParams.get('state')!;
    expect(state).toMatch(/^[\w-]{22}$/);

    // As the provider sends the browser back when its request to the app failed.
    const back = await laptop.visit(`${app}/signed-out?state=${state}`);
    expect(await text(back)).toContain('The identity provider signed you out, but its logout request did not reach this app, so this app has signed this device out itself.');
    expect(output).toMatch(/The provider's back-channel logout did not end session \S+: ending it here\./);
    expect((await laptop.fetch(`${app}/security`)).headers.get('location')).toBe('/?next=/security');
  });

  it('a link to the post-logout page from anywhere else signs no one out', async () => {
    const laptop = browser(LAPTOP);
    await signIn(laptop, 'frances');
    for (const link of [`${app}/signed-out`, `${app}/signed-out?state=guessed`]) {
      const { url } = await laptop.visit(link);
      expect(url.href).toBe(`${app}/security`);
    }
  });

  it('"Sign out everywhere" signs every device out; another device\'s provider session survives, so it signs straight back in', async () => {
    const laptop = browser(LAPTOP);
    const phone = browser(PHONE);
    await signIn(laptop, 'margaret');
    await signIn(phone, 'margaret');

    const security = await laptop.visit(`${app}/security`);
    const html = await security.response.text();
    const everywhere = formOf(html.slice(html.indexOf('<form method="post" action="/sign-out-everywhere"')), security.url);
    const confirmation = await laptop.visit(everywhere.action, { form: everywhere.fields });
    expect(confirmation.url.origin).toBe(issuer);
    expect(await text(await submit(laptop, confirmation, { logout: 'yes' }))).toContain('You are signed out of this app.');

    const refused = await phone.fetch(`${app}/security`);
    expect(refused.headers.get('location')).toBe('/?next=/security&reason=session_revoked');
    // rpLogoutUrl() ended the laptop's provider session only: the phone's goes on, and the
    // provider sends it straight back signed in, without its login page.
    const again = await signIn(phone, 'margaret');
    expect(again.providerPages).toEqual([]);
    expect(again.page.url.href).toBe(`${app}/security`);
  });
});
