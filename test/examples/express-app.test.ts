import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../examples/shared/demo-users.js';
import { memoryStore, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store-writes.js';
import { startDemo, testClock, type RunningDemo } from '../e2e/support/demo-server.js';
import { UA } from './api-smoke.js';

const PAGE = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

/** The demo over plain HTTP (the browser tests drive it in Chromium). */
describe('examples/express-app', () => {
  let server: RunningDemo;

  beforeAll(async () => {
    server = await startDemo({ store: 'memory' });
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome, ...headers },
      body: new URLSearchParams(form),
    });
  const signIn = async (next = '/') => {
    const response = await post('/login', { email: 'ada@acme.test', password: DEMO_PASSWORD, next });
    return { response, cookie: response.headers.getSetCookie()[0]?.split(';')[0] ?? '' };
  };

  it('sends a page navigation without a session to the login page, and back after signing in', async () => {
    const denied = await fetch(`${server.url}/profile`, { headers: PAGE, redirect: 'manual' });
    expect(denied.status).toBe(303);
    expect(denied.headers.get('location')).toBe('/login?next=/profile');

    const { response, cookie } = await signIn('/profile');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/profile');
    const profile = await fetch(`${server.url}/profile`, { headers: { ...PAGE, cookie } });
    expect(profile.status).toBe(200);
    expect(profile.headers.get('cache-control')).toBe('no-store');
    const html = await profile.text();
    expect(html).toContain('Login management');
    expect(html).toContain('Current session');
    expect(html).toContain('Chrome on Mac OS');
  });

  it('never redirects off-site after sign-in', async () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const { response } = await signIn(next);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('escapes what it echoes back', async () => {
    const response = await post('/login', { email: '"><script>alert(1)</script>', password: 'x' });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('mounts the library JSON routes, which refuse cross-site posts', async () => {
    const { cookie } = await signIn();
    const list = await fetch(`${server.url}/api/sessions`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const crossSite = await fetch(`${server.url}/api/sessions/sign-out-everywhere`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('refuses its own forms when posted from another site', async () => {
    const { cookie } = await signIn();
    for (const [path, form] of [
      ['/login', { email: 'ada@acme.test', password: DEMO_PASSWORD }],
      ['/logout', {}],
      ['/profile/sign-out-everywhere', {}],
    ] as const) {
      const response = await post(path, form, { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(response.status).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie } })).status).toBe(200);
    const sameOrigin = await post('/logout', {}, { cookie, origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.status).toBe(303);
  });

  it('View as: only an owner, only for a teammate of their tenant; End revokes the support session', async () => {
    const cookieOf = (response: Response, name: string) => response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))?.split(';')[0] ?? '';
    const as = async (email: string) => cookieOf(await post('/login', { email, password: DEMO_PASSWORD }), 'session');
    const viewAs = (userId: string, cookie: string) => post(`/team/${userId}/view-as`, {}, { cookie, ...PAGE });

    // An admin is not an owner; a member does not reach the Team routes at all.
    expect((await viewAs('u-ben', await as('alan@acme.test'))).status).toBe(404);
    expect((await viewAs('u-alan', await as('ben@acme.test'))).status).toBe(403);
    const owner = await as('ada@acme.test');
    for (const userId of ['u-otto', 'u-ada', 'nobody']) expect((await viewAs(userId, owner)).status).toBe(404);

    const started = await viewAs('u-ben', owner);
    expect(started.status).toBe(303);
    const support = cookieOf(started, 'session');
    expect(cookieOf(started, 'keystone_own_session')).toBe(owner.replace(/^session=/, 'keystone_own_session='));
    for (const line of started.headers.getSetCookie()) expect(line).toMatch(/; HttpOnly;.*SameSite=Lax/i);
    const page = await (await fetch(`${server.url}/`, { headers: { ...PAGE, cookie: support } })).text();
    expect(page).toContain('You are viewing as Ben Carter — support access by Ada Lovelace');
    // The JSON routes refuse it too: a support session is never fresh.
    expect((await fetch(`${server.url}/api/sessions/sign-out-others`, { method: 'POST', headers: { cookie: support } })).status).toBe(403);
    expect((await post('/profile/password', { current: DEMO_PASSWORD, password: 'x'.repeat(12), confirm: 'x'.repeat(12) }, { cookie: support, ...PAGE })).status).toBe(403);
    // Viewing as an admin, it does not act on the team as the admin would: that would be logged as theirs.
    const ofBen = await as('ben@acme.test');
    const asAdmin = cookieOf(await viewAs('u-alan', owner), 'session');
    expect((await post('/team/u-ben/sign-out', {}, { cookie: asAdmin, ...PAGE })).status).toBe(404);
    expect((await post('/settings', { globalLogout: 'on' }, { cookie: asAdmin, ...PAGE })).status).toBe(403);
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie: ofBen } })).status).toBe(200);

    // Without the owner's cookie (another browser), End still ends the support session.
    const ended = await post('/support-access/end', {}, { cookie: support, ...PAGE });
    expect(ended.headers.get('location')).toBe('/login?notice=support-access-ended');
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie: support } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie: owner } })).status).toBe(200);
  });

  it('View as on a request that rotates the owner\'s cookie parks the new one: End after the grace brings the owner back', async () => {
    const clock = testClock();
    const rotating = await startDemo({ store: 'memory', clock: clock.now, rotation: { rotateAfter: 30_000, rotationGrace: 10_000 } });
    try {
      const send = (path: string, cookie: string) =>
        fetch(`${rotating.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome, cookie, ...PAGE }, body: '' });
      const login = await fetch(`${rotating.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome }, body: new URLSearchParams({ email: 'ada@acme.test', password: DEMO_PASSWORD, remember: 'on' }) });
      const owner = login.headers.getSetCookie()[0]!.split(';')[0]!;
      clock.advance(31_000);
      const started = await send('/team/u-ben/view-as', owner);
      const cookies = Object.fromEntries(started.headers.getSetCookie().map((line) => line.split(';')[0]!.split(/=(.*)/s).slice(0, 2)));
      expect(started.status).toBe(303);
      expect(cookies['keystone_own_session']).not.toBe(owner.slice('session='.length));
      clock.advance(11_000);
      const ended = await send('/support-access/end', `session=${cookies['session']}; keystone_own_session=${cookies['keystone_own_session']}`);
      expect(ended.headers.get('location')).toBe('/team?notice=support-access-ended');
    } finally {
      await rotating.close();
    }
  });

  it('shows the new-sign-in emails on /outbox to anyone, each with its one-time "This wasn\'t me" link', async () => {
    await post('/login', { email: 'grace@globex.test', password: DEMO_PASSWORD });
    const outbox = await fetch(`${server.url}/outbox`, { headers: PAGE });
    expect(outbox.status).toBe(200);
    const html = await outbox.text();
    expect(html).toMatch(/To grace@globex\.test · New sign-in to your Keystone account/);
    const link = /href="(\/api\/sessions\/not-me\?token=[^"]+)"/.exec(html)?.[1];
    expect(link).toBeDefined();
    const asked = await fetch(`${server.url}${link!.replaceAll('&amp;', '&')}`, { headers: PAGE });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Sign out that device');
  });

  it('a new password makes every reset link sent before it worthless', async () => {
    const linkOf = async () => /\/reset-password\?token=([\w-]+)/.exec(await (await post('/forgot-password', { email: 'otto@globex.test' })).text())![1]!;
    const [first, second] = [await linkOf(), await linkOf()];
    const reset = (token: string, password: string) => post('/reset-password', { token, password, confirm: password });
    expect((await reset(second, 'a-brand-new-password')).status).toBe(303);
    expect((await reset(first, 'an-attackers-password')).status).toBe(404);
    expect((await post('/login', { email: 'otto@globex.test', password: 'an-attackers-password' })).status).toBe(401);
    expect((await post('/login', { email: 'otto@globex.test', password: 'a-brand-new-password' })).status).toBe(303);
  });

  it('only the newest reset link of an account works: asking again and again keeps one', async () => {
    const linkOf = async () => /\/reset-password\?token=([\w-]+)/.exec(await (await post('/forgot-password', { email: 'alan@acme.test' })).text())![1]!;
    const links: string[] = [];
    for (let round = 0; round < 3; round++) links.push(await linkOf());
    for (const token of links.slice(0, -1)) {
      const page = await fetch(`${server.url}/reset-password?token=${token}`, { headers: PAGE });
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('This link no longer works');
    }
    expect((await fetch(`${server.url}/reset-password?token=${links.at(-1)!}`, { headers: PAGE })).status).toBe(200);
  });

  it('a sign-in with the old password still being checked when the password is reset does not outlive the reset', async () => {
    // Its own demo: the password changes for good.
    const own = await startDemo({ store: 'memory' });
    try {
      const send = (path: string, form: Record<string, string>) =>
        fetch(`${own.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome }, body: new URLSearchParams(form) });
      const token = /\/reset-password\?token=([\w-]+)/.exec(await (await send('/forgot-password', { email: 'otto@globex.test' })).text())![1]!;
      // Whoever knows the old password keeps signing in while Otto resets it: some of those
      // sign-ins read the old password before the reset and finish after it.
      const reset = send('/reset-password', { token, password: 'a-brand-new-password', confirm: 'a-brand-new-password' });
      const attempts = await Promise.all(Array.from({ length: 8 }, () => send('/login', { email: 'otto@globex.test', password: DEMO_PASSWORD })));
      expect((await reset).headers.get('location')).toBe('/login?notice=password-reset');
      const cookies = attempts.flatMap((response) => response.headers.getSetCookie().map((line) => line.split(';')[0]!)).filter((cookie) => !cookie.startsWith('session=;'));
      const live = await Promise.all(cookies.map(async (cookie) => (await fetch(`${own.url}/api/sessions`, { headers: { cookie } })).status));
      expect(live.filter((status) => status === 200)).toEqual([]);
    } finally {
      await own.close();
    }
  });

  /** A demo whose store holds back its answer to the first batch of `reason` once that batch has landed, as a slow network or a wait for replicas does. */
  const demoHolding = async (reason: string) => {
    const inner = memoryStore();
    let landed!: () => void;
    const held = new Promise<void>((resolve) => (landed = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const sessionStore: SessionStore = {
      ...inner,
      apply: async (batch: Batch) => {
        const applied = await inner.apply(batch);
        if (applied && holding && batch.writes.some((write) => write.type === 'activity' && write.entry.reason === reason)) {
          holding = false;
          landed();
          await released;
        }
        return applied;
      },
    };
    const own = await startDemo({ store: 'memory', sessionStore });
    const send = (path: string, form: Record<string, string>, cookie = '') =>
      fetch(`${own.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome, cookie }, body: new URLSearchParams(form) });
    const isLive = async (response: Response) => {
      const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]!).filter((cookie) => !cookie.startsWith('session=;'));
      const statuses = await Promise.all(cookies.map(async (cookie) => (await fetch(`${own.url}/api/sessions`, { headers: { cookie } })).status));
      return statuses.includes(200);
    };
    return { own, send, held, release, isLive };
  };

  it('a sign-in started while the reset ends the sessions, before the new password is saved, does not outlive the reset', async () => {
    const { own, send, held, release, isLive } = await demoHolding('password_reset');
    try {
      const token = /\/reset-password\?token=([\w-]+)/.exec(await (await send('/forgot-password', { email: 'otto@globex.test' })).text())![1]!;
      const reset = send('/reset-password', { token, password: 'a-brand-new-password', confirm: 'a-brand-new-password' });
      await held;
      const attempt = await send('/login', { email: 'otto@globex.test', password: DEMO_PASSWORD });
      release();
      expect((await reset).headers.get('location')).toBe('/login?notice=password-reset');
      expect(await isLive(attempt)).toBe(false);
    } finally {
      release();
      await own.close();
    }
  });

  it.each([
    ['password', 'password_changed', { password: 'a-brand-new-password', confirm: 'a-brand-new-password' }],
    ['email', 'email_changed', { email: 'ben@new.test' }],
  ])('a sign-in started while a change of %s ends the other sessions, before it is saved, does not outlive it', async (what, reason, form) => {
    const { own, send, held, release, isLive } = await demoHolding(reason);
    try {
      const cookie = (await send('/login', { email: 'ben@acme.test', password: DEMO_PASSWORD })).headers.getSetCookie()[0]!.split(';')[0]!;
      const change = send(`/profile/${what}`, { ...form, current: DEMO_PASSWORD }, cookie);
      await held;
      const attempt = await send('/login', { email: 'ben@acme.test', password: DEMO_PASSWORD });
      release();
      expect((await change).headers.get('location')).toBe(`/profile?notice=${what}-changed`);
      expect(await isLive(attempt)).toBe(false);
    } finally {
      release();
      await own.close();
    }
  });

  it('a new email address makes every reset link sent to the old one worthless', async () => {
    // Its own demo: the address changes for good.
    const own = await startDemo({ store: 'memory' });
    try {
      const send = (path: string, form: Record<string, string>, cookie = '') =>
        fetch(`${own.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams(form) });
      const cookie = (await send('/login', { email: 'ben@acme.test', password: DEMO_PASSWORD })).headers.getSetCookie()[0]!.split(';')[0]!;
      // Whoever reads the old mailbox asks for a link; Ben then moves to a new address.
      const token = /\/reset-password\?token=([\w-]+)/.exec(await (await send('/forgot-password', { email: 'ben@acme.test' })).text())![1]!;
      const changed = await send('/profile/email', { email: 'ben@new.test', current: DEMO_PASSWORD }, cookie);
      expect(changed.headers.get('location')).toBe('/profile?notice=email-changed');
      const reset = await send('/reset-password', { token, password: 'an-attackers-password', confirm: 'an-attackers-password' });
      expect(reset.status).toBe(404);
      expect((await send('/login', { email: 'ben@new.test', password: 'an-attackers-password' })).status).toBe(401);
      expect((await send('/login', { email: 'ben@new.test', password: DEMO_PASSWORD })).status).toBe(303);
    } finally {
      await own.close();
    }
  });

  it('has no identity provider routes without --idp', async () => {
    const start = await post('/login/idp', { next: '/' });
    expect(start.status).toBe(404);
    // No security-events route: the session routes leave the path to the app, which has none.
    const pushed = await fetch(`${server.url}/api/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: 'a.b.c' });
    expect(pushed.status).toBe(404);
    expect((await fetch(`${server.url}/login`)).headers.get('content-security-policy')).toContain("form-action 'self';");
  });

  it('accepts state changes only as POST', async () => {
    const { cookie } = await signIn();
    for (const path of ['/logout', '/profile/sign-out-everywhere', '/profile/sessions/log-out-others']) {
      const response = await fetch(`${server.url}${path}`, { headers: { ...PAGE, cookie }, redirect: 'manual' });
      expect(response.status).toBe(404);
    }
    expect((await fetch(`${server.url}/`, { headers: { ...PAGE, cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('with onPasswordChange "all", a password change signs out this device too', async () => {
    const strict = await startDemo({ store: 'memory', onPasswordChange: 'all' });
    try {
      const signedIn = await fetch(`${strict.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome },
        body: new URLSearchParams({ email: 'ben@acme.test', password: DEMO_PASSWORD }),
      });
      const cookie = signedIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const profile = await fetch(`${strict.url}/profile`, { headers: { ...PAGE, cookie } });
      expect(await profile.text()).toContain('Changing your password signs out every device, this one included.');
      const changed = await fetch(`${strict.url}/profile/password`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ current: DEMO_PASSWORD, password: 'another-secret-1', confirm: 'another-secret-1' }),
      });
      expect(changed.status).toBe(303);
      expect(changed.headers.get('location')).toBe('/login?notice=password-changed-everywhere');
      // This browser's cookie is cleared as well.
      expect(changed.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=;.*Max-Age=0/)]);
      const after = await fetch(`${strict.url}/api/sessions`, { headers: { cookie } });
      expect(after.status).toBe(401);
      expect(strict.log.some((line) => /user\.session_invalidated\s+reason=password_changed user=u-ben/.test(line))).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

describe('examples/express-app: actions that need a recent password', () => {
  const clock = testClock();
  let server: RunningDemo;

  beforeAll(async () => {
    server = await startDemo({ store: 'memory', clock: clock.now });
  });
  afterAll(async () => {
    await server?.close();
  });

  const form = (path: string, body: Record<string, string>, cookie = '', userAgent = UA.macChrome) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent, cookie },
      body: new URLSearchParams(body),
    });
  const signIn = async (userAgent: string) => {
    const response = await form('/login', { email: 'grace@globex.test', password: DEMO_PASSWORD, remember: 'on' }, '', userAgent);
    return response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  };

  it('the JSON routes refuse an old session, and "Confirm it\'s you" never leaves the site', async () => {
    const cookie = await signIn(UA.macChrome);
    await signIn(UA.iphoneSafari);
    clock.advance(11 * 60_000);

    const refused = await fetch(`${server.url}/api/sessions/sign-out-others`, { method: 'POST', headers: { cookie } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'reauthentication_required' });
    // The page's form asks for the password too, as its JSON twin does, and signs nobody out.
    const everywhere = await form('/profile/sign-out-everywhere', {}, cookie);
    expect(everywhere.status).toBe(403);
    expect(await everywhere.json()).toEqual({ error: 'reauthentication_required' });
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie } })).status).toBe(200);

    const page = await fetch(`${server.url}/login?reauth=1&next=https://evil.example`, { headers: { ...PAGE, cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input type="hidden" name="next" value="/">');

    const wrong = await form('/login', { reauth: '1', password: 'not-my-password', next: '/profile' }, cookie);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect((await fetch(`${server.url}/api/sessions/sign-out-others`, { method: 'POST', headers: { cookie } })).status).toBe(403);

    for (const next of ['//evil.example', 'https://evil.example']) {
      const confirmed = await form('/login', { reauth: '1', password: DEMO_PASSWORD, next }, cookie);
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('location')).toBe('/');
      // The same session goes on: no new cookie.
      expect(confirmed.headers.getSetCookie()).toEqual([]);
    }
    const allowed = await fetch(`${server.url}/api/sessions/sign-out-others`, { method: 'POST', headers: { cookie } });
    expect(allowed.status).toBe(200);
    const list = (await (await fetch(`${server.url}/api/sessions`, { headers: { cookie } })).json()) as unknown[];
    expect(list).toHaveLength(1);
  });

  it("signing a teammate out needs the admin's recent password too, as ending one's own other devices does", async () => {
    const owner = await signIn(UA.macChrome);
    const member = (await form('/login', { email: 'otto@globex.test', password: DEMO_PASSWORD }, '', UA.iphoneSafari)).headers.getSetCookie()[0]!.split(';')[0]!;
    clock.advance(11 * 60_000);
    const teamAction = (action: string) => fetch(`${server.url}/team/u-otto/${action}`, { method: 'POST', redirect: 'manual', headers: { cookie: owner } });

    for (const action of ['sign-out', 'revoke-api-tokens']) {
      const refused = await teamAction(action);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: 'reauthentication_required' });
    }
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie: member } })).status).toBe(200);

    await form('/login', { reauth: '1', password: DEMO_PASSWORD, next: '/team' }, owner);
    expect((await teamAction('sign-out')).headers.get('location')).toBe('/team?notice=member-signed-out');
    expect((await fetch(`${server.url}/api/sessions`, { headers: { cookie: member } })).status).toBe(401);
  });

  it('a reauth form without a session asks to sign in from scratch', async () => {
    const response = await form('/login', { reauth: '1', password: DEMO_PASSWORD, next: '/profile' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=/profile');
  });
});

describe('examples/express-app with its identity provider (npm run demo -- --idp)', () => {
  let server: RunningDemo;
  beforeAll(async () => {
    server = await startDemo({ store: 'memory', identityProvider: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string, cookie = '') => fetch(`${server.url}${path}`, { redirect: 'manual', headers: { ...PAGE, cookie } });
  const passwordSignIn = async () => {
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA.macChrome },
      body: new URLSearchParams({ email: 'ben@acme.test', password: DEMO_PASSWORD }),
    });
    return response.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  };

  it('its security-events route refuses a push without the header agreed with the provider console (authentication_failed), and nothing ends', async () => {
    const cookie = await passwordSignIn();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ jti: 'forged-1', sub_id: { format: 'iss_sub', iss: server.issuer, sub: 'ben@acme.test' }, events: { 'https://schemas.openid.net/secevent/risc/event-type/account-disabled': {} } })
      .setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: 'demo-ssf-key' })
      .setIssuer(server.issuer!)
      .setAudience(server.url)
      .setIssuedAt()
      .sign(privateKey);
    const push = (headers: Record<string, string>) => fetch(`${server.url}/api/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt', ...headers }, body: forged });
    const unauthenticated = await push({});
    expect(unauthenticated.status).toBe(400);
    expect(await unauthenticated.json()).toMatchObject({ err: 'authentication_failed' });
    expect((await get('/profile', cookie)).status).toBe(200);
  });

  it('a session signed in with a password has nothing to end at the provider', async () => {
    const cookie = await passwordSignIn();
    expect(await (await get('/profile', cookie)).text()).not.toContain('Sign out at the provider');
    const refused = await fetch(`${server.url}/profile/sign-out-at-provider`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    expect(refused.status).toBe(409);
    // Back from the provider with this session still live: said so, not "signed out".
    const back = await get('/login/idp/signed-out', cookie);
    expect(back.headers.get('location')).toBe('/profile?notice=idp-session-still-live');
  });

  it('back from the provider without a session: signed out', async () => {
    const back = await get('/login/idp/signed-out');
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/login?notice=idp-signed-out');
  });

  it('a return to the redirect URI that this browser did not start signs nobody in', async () => {
    const forged = await get('/login/idp/callback?code=stolen&state=guessed');
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe('/login?notice=idp-sign-in-failed');
    expect(forged.headers.getSetCookie().some((cookie) => cookie.startsWith('session='))).toBe(false);
  });
});
