import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, freshMaxAge, requireFreshResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';
const MINUTE = 60_000;
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function recorder(): ResponseTarget & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
}

function setup(options: { freshAge?: number } = {}) {
  let now = 1_700_000_000_000;
  const manager = createSessionManager({ clock: () => now, accessTokens: { secret: SECRET }, ...options });
  const http = createSessionHttp(manager, { accessTokens: true });
  const attach = (headers: Record<string, string>, init: { method?: string; url?: string } = {}) =>
    http.attach(fakeRequest({ ...init, headers: { 'user-agent': CHROME, ...headers } }), recorder());
  return { manager, http, attach, advance: (ms: number) => (now += ms), now: () => now };
}

async function signIn(manager: SessionManager, userAgent = CHROME, persistent?: boolean) {
  const http = createSessionHttp(manager);
  const target = recorder();
  const sessions = await http.attach(fakeRequest({ method: 'POST', url: '/login', headers: { 'user-agent': userAgent } }), target);
  const created = await sessions.signIn({ userId: 'alice', persistent });
  return { ...created, cookie: `session=${created.token}`, setCookie: target.cookies[0]! };
}

describe('requireFresh in the HTTP layer', () => {
  it('checks maxAge once, when the guard is built', () => {
    expect(freshMaxAge(undefined, 'requireFresh()')).toBeUndefined();
    expect(freshMaxAge({ maxAge: 5 * MINUTE }, 'requireFresh()')).toBe(5 * MINUTE);
    for (const maxAge of [0, -1, 2.5, '60000', Number.NaN]) {
      expect(() => freshMaxAge({ maxAge } as never, 'requireFresh()')).toThrow(/requireFresh\(\) maxAge/);
    }
    expect(() => freshMaxAge({ maxage: 1 } as never, 'requireFresh()')).toThrow(/maxage/);
  });

  it('follows the manager freshAge, then the same session re-authenticated in the request passes at once', async () => {
    const { manager, attach, advance } = setup({ freshAge: 5 * MINUTE });
    const { cookie } = await signIn(manager);
    advance(5 * MINUTE - 1);
    expect(requireFreshResponse(await attach({ cookie }))).toBeUndefined();
    advance(1);
    const sessions = await attach({ cookie });
    expect(sessions.isFresh()).toBe(false);
    expect(sessions.isFresh(5 * MINUTE + 1)).toBe(true);
    expect(requireFreshResponse(sessions)?.status).toBe(403);
    const renewed = await sessions.reauthenticated();
    expect(renewed?.id).toBe(sessions.current?.id);
    expect(sessions.isFresh()).toBe(true);
    expect(requireFreshResponse(sessions)).toBeUndefined();
  });

  it('sends a page to reauthPath with next, keeping the login page for requests without a session', async () => {
    const { manager, advance } = setup();
    const http = createSessionHttp(manager, { loginPath: '/signin', reauthPath: '/confirm-password' });
    const { cookie } = await signIn(manager);
    advance(11 * MINUTE);
    const page = { accept: 'text/html', 'user-agent': CHROME };
    const stale = await http.attach(fakeRequest({ url: '/settings/email', headers: { ...page, cookie } }), recorder());
    expect(requireFreshResponse(stale)).toMatchObject({ status: 303, headers: { location: '/confirm-password?next=/settings/email' }, setCookies: [] });
    const anonymous = await http.attach(fakeRequest({ url: '/settings/email', headers: page }), recorder());
    expect(requireFreshResponse(anonymous)).toMatchObject({ status: 303, headers: { location: '/signin?next=/settings/email' } });
  });

  it('reads an access token’s auth_time, taken from the stored session whatever object the token was minted from', async () => {
    // Shorter than the access tokens' lifetime, so a token outlives the freshness it carries.
    const { manager, attach, advance } = setup({ freshAge: 2 * MINUTE });
    const { session } = await signIn(manager);
    const jwt = await manager.issueAccessToken(session);
    const bare = await manager.issueAccessToken({ id: session.id, userId: session.userId });
    expect(requireFreshResponse(await attach({ authorization: `Bearer ${jwt}` }))).toBeUndefined();
    expect(requireFreshResponse(await attach({ authorization: `Bearer ${bare}` }))).toBeUndefined();
    advance(2 * MINUTE);
    const verified = await manager.verifyAccessToken(jwt);
    expect(verified.ok && verified.claims.auth_time).toBe(Math.floor(session.authenticatedAt / 1000));
    expect(requireFreshResponse(await attach({ authorization: `Bearer ${jwt}` }))).toMatchObject({ status: 403, body: '{"error":"reauthentication_required"}' });
  });

  it('names itself when the session middleware did not run before it', () => {
    let error: unknown;
    try {
      requireFreshResponse(undefined);
    } catch (caught) {
      error = caught;
    }
    expect(isSessionError(error) && [error.code, error.message]).toEqual(['INVALID_CONFIGURATION', 'requireFresh() must be mounted after the session middleware.']);
  });

  it('reauthenticated() without a session is refused, like every action that needs one', async () => {
    const { attach } = setup();
    const anonymous = await attach({});
    expect(anonymous.isFresh()).toBe(false);
    const error = await anonymous.reauthenticated().catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('UNAUTHENTICATED');
  });
});

describe('session-only cookies', () => {
  it('have no Max-Age, and keep it so through a password change; the default keeps Max-Age', async () => {
    const { manager, attach } = setup();
    const forgetful = await signIn(manager, CHROME, false);
    expect(forgetful.setCookie).toBe(`session=${forgetful.token}; Path=/; HttpOnly; SameSite=Lax`);
    const target = recorder();
    const sessions = await createSessionHttp(manager).attach(fakeRequest({ headers: { cookie: forgetful.cookie, 'user-agent': CHROME } }), target);
    const changed = await sessions.passwordChanged();
    expect(target.cookies).toEqual([`session=${changed.token}; Path=/; HttpOnly; SameSite=Lax`]);
    const remembered = await signIn(manager, FIREFOX);
    expect(remembered.setCookie).toMatch(/; Max-Age=2592000; /);
    expect((await attach({ cookie: remembered.cookie })).current?.persistent).toBeUndefined();
  });
});

describe('the session routes with requireFresh', () => {
  it('ask an old session to re-authenticate before ending other sessions, never before its own sign-out', async () => {
    const { manager, attach, advance } = setup();
    const routes = createSessionRoutes(manager, { requireFresh: 5 * MINUTE });
    const laptop = await signIn(manager, CHROME);
    const phone = await signIn(manager, FIREFOX);
    advance(6 * MINUTE);
    const post = (url: string, method = 'POST') => attach({ cookie: laptop.cookie, origin: 'http://localhost', host: 'localhost' }, { method, url });
    for (const [method, url] of [
      ['POST', '/sessions/sign-out-others'],
      ['POST', '/sessions/sign-out-everywhere'],
      ['DELETE', `/sessions/${phone.session.id}`],
    ] as const) {
      expect(await routes.respond(await post(url, method))).toMatchObject({ status: 403, body: '{"error":"reauthentication_required"}' });
    }
    expect((await manager.validate(phone.token)).ok).toBe(true);
    expect((await routes.respond(await post('/sessions')))?.status).toBe(405);
    expect((await routes.respond(await attach({ cookie: laptop.cookie }, { url: '/sessions' })))?.status).toBe(200);
    // Fresh again: the same routes act.
    const sessions = await post('/sessions/sign-out-others');
    await sessions.reauthenticated();
    expect(await routes.respond(sessions)).toMatchObject({ status: 200, body: '{"revoked":1}' });
    expect((await manager.validate(phone.token)).ok).toBe(false);
    // Its own session: a sign-out, however old.
    advance(60 * MINUTE);
    expect((await routes.respond(await post(`/sessions/${laptop.session.id}`, 'DELETE')))?.status).toBe(204);
  });

  it('are off by default', async () => {
    const { manager, attach, advance } = setup();
    const routes = createSessionRoutes(manager);
    const laptop = await signIn(manager, CHROME);
    await signIn(manager, FIREFOX);
    advance(24 * 60 * MINUTE);
    const sessions = await attach({ cookie: laptop.cookie, origin: 'http://localhost', host: 'localhost' }, { method: 'POST', url: '/sessions/sign-out-others' });
    expect(await routes.respond(sessions)).toMatchObject({ status: 200, body: '{"revoked":1}' });
  });
});
