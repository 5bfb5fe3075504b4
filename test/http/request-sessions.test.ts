import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError, type SessionManager } from '../../src/index.js';
import { switchableStore } from '../../src/testing/framework/failing-store.js';
import { createSessionHttp, createSessionRoutes, requireSessionResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A response target that records what was written. */
function recorder(): ResponseTarget & { cookies: string[]; headers: Map<string, string> } {
  const cookies: string[] = [];
  const headers = new Map<string, string>();
  return { cookies, headers, setHeader: (name, value) => void headers.set(name, value), appendSetCookie: (value) => void cookies.push(value) };
}

async function signedIn(manager: SessionManager, userId = 'alice') {
  const http = createSessionHttp(manager);
  const target = recorder();
  const sessions = await http.attach(fakeRequest({ method: 'POST', url: '/login', headers: { 'user-agent': CHROME } }), target);
  const created = await sessions.signIn({ userId });
  return { http, created, cookie: `session=${created.token}` };
}

describe('the per-request sessions object', () => {
  it('signIn takes User-Agent and IP from the request and writes the cookie with no-store', async () => {
    const manager = createSessionManager();
    const http = createSessionHttp(manager);
    const target = recorder();
    const sessions = await http.attach(fakeRequest({ headers: { 'user-agent': CHROME }, remoteAddress: '::ffff:198.51.100.4' }), target);
    expect(sessions.status).toBe('anonymous');
    const { session, token } = await sessions.signIn({ userId: 'alice', data: { plan: 'pro' } });
    expect(session.browser).toBe('Chrome');
    expect(session.ip).toBe('198.51.100.4');
    expect(target.cookies).toEqual([`session=${token}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`]);
    expect(target.headers.get('cache-control')).toBe('no-store');
    expect(sessions.current?.id).toBe(session.id);
    expect(sessions.userId).toBe('alice');
    expect(sessions.status).toBe('authenticated');
  });

  it('signIn with two different tokens presented revokes both', async () => {
    const manager = createSessionManager();
    const first = await manager.create({ userId: 'alice' });
    const second = await manager.create({ userId: 'mallory' });
    const http = createSessionHttp(manager);
    const sessions = await http.attach(fakeRequest({ headers: { cookie: `session=${first.token}; session=${second.token}` } }), recorder());
    expect(sessions.status).toBe('anonymous');
    await sessions.signIn({ userId: 'alice' });
    expect(await manager.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await manager.validate(second.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("a rotating kind's token presented as a Bearer is refused, before and after it is due, and never rotated; from the cookie it rotates", async () => {
    let now = 1_800_000_000_000;
    const rotation = { rotateAfter: 600_000, rotationGrace: 60_000 };
    const manager = createSessionManager({ clock: () => now, kinds: { remember: rotation } });
    const { token, session } = await manager.create({ userId: 'alice', kind: 'remember', userAgent: CHROME });
    const api = await manager.create({ userId: 'alice', kind: 'api' });
    const http = createSessionHttp(manager);
    const bearer = (value: string) => fakeRequest({ headers: { authorization: `Bearer ${value}` } });
    for (const later of [0, rotation.rotateAfter]) {
      now += later;
      const target = recorder();
      const sessions = await http.attach(bearer(token), target);
      expect([sessions.status, sessions.current, target.cookies]).toEqual(['anonymous', null, []]);
      expect((await http.attach(bearer(api.token), recorder())).current?.id).toBe(api.session.id);
    }
    const target = recorder();
    await http.attach(fakeRequest({ headers: { cookie: `session=${token}` } }), target);
    expect(target.cookies).toEqual([expect.stringMatching(new RegExp(`^session=${session.id}\\.`))]);
    expect(target.cookies[0]).not.toContain(token);
  });

  it('list() names this session current, and with kinds lists only those (API tokens left out)', async () => {
    const manager = createSessionManager();
    const { http, created, cookie } = await signedIn(manager);
    const api = await manager.create({ userId: 'alice', kind: 'api' });
    const sessions = await http.attach(fakeRequest({ headers: { cookie } }), recorder());
    const every = await sessions.list();
    expect(every.map((row) => [row.id, row.kind, row.current])).toEqual([
      [created.session.id, 'browser', true],
      [api.session.id, 'api', false],
    ]);
    const devices = await sessions.list({ kinds: ['browser', 'remember'], locale: 'de' });
    expect(devices.map((row) => [row.id, row.current])).toEqual([[created.session.id, true]]);
  });

  it('current, userId and status follow sign-out in the same request', async () => {
    const manager = createSessionManager();
    const { http, cookie } = await signedIn(manager);
    const sessions = await http.attach(fakeRequest({ headers: { cookie } }), recorder());
    expect(sessions.status).toBe('authenticated');
    expect(sessions.userId).toBe('alice');
    expect(sessions.accessToken).toBeNull();
    expect(await sessions.signOut()).toEqual({ global: false });
    expect(sessions.current).toBeNull();
    expect(sessions.userId).toBeNull();
    expect(sessions.status).toBe('anonymous');
    expect(requireSessionResponse(sessions)?.status).toBe(401);
  });

  it('passwordChanged signs out the other devices and moves this one to a fresh cookie', async () => {
    const manager = createSessionManager();
    const other = await manager.create({ userId: 'alice', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1' });
    const { http, cookie, created } = await signedIn(manager);
    const target = recorder();
    const sessions = await http.attach(fakeRequest({ method: 'POST', headers: { cookie } }), target);
    const fresh = await sessions.passwordChanged();
    expect(fresh.token).toBeDefined();
    expect(target.cookies).toEqual([`session=${fresh.token}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`]);
    expect(target.headers.get('cache-control')).toBe('no-store');
    expect(sessions.current?.id).toBe(fresh.session?.id);
    expect((await manager.validate(created.token)).ok).toBe(false);
    expect((await manager.validate(other.token)).ok).toBe(false);
    expect((await manager.validate(fresh.token)).ok).toBe(true);
  });

  it('passwordChanged under the "all" policy signs this device out too', async () => {
    const manager = createSessionManager({ policy: { onPasswordChange: 'all' } });
    const { http, cookie } = await signedIn(manager);
    const target = recorder();
    const sessions = await http.attach(fakeRequest({ method: 'POST', headers: { cookie } }), target);
    expect(await sessions.passwordChanged()).toEqual({});
    expect(target.cookies).toEqual(['session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);
    expect(sessions.status).toBe('anonymous');
  });

  it('emailChanged keeps this device on a fresh cookie', async () => {
    const manager = createSessionManager();
    const { http, cookie, created } = await signedIn(manager);
    const target = recorder();
    const sessions = await http.attach(fakeRequest({ method: 'POST', headers: { cookie } }), target);
    const fresh = await sessions.emailChanged();
    expect(target.cookies).toHaveLength(1);
    expect((await manager.validate(created.token)).ok).toBe(false);
    expect((await manager.validate(fresh.token)).ok).toBe(true);
  });

  it('signOut without a session only clears the cookie', async () => {
    const http = createSessionHttp(createSessionManager());
    const target = recorder();
    const sessions = await http.attach(fakeRequest(), target);
    expect(await sessions.signOut()).toEqual({ global: false });
    expect(target.cookies).toEqual(['session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);
  });

  it('list, revoke, signOutOthers and passwordChanged refuse a request without a session', async () => {
    const http = createSessionHttp(createSessionManager());
    const sessions = await http.attach(fakeRequest(), recorder());
    for (const action of [() => sessions.list(), () => sessions.revoke('AAAAAAAAAAAAAAAAAAAAAA'), () => sessions.signOutOthers(), () => sessions.passwordChanged()]) {
      const error = await action().catch((caught: unknown) => caught);
      expect(isSessionError(error) && error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('during an outage: status "unavailable", 503, actions throw STORE_UNAVAILABLE and the cookie stays', async () => {
    const store = switchableStore(memoryStore());
    const manager = createSessionManager({ store });
    const { cookie, created } = await signedIn(manager);
    const errors: unknown[] = [];
    const http = createSessionHttp(manager, { onError: (error) => errors.push(error), retryAfter: 7 });
    store.failing = true;
    const target = recorder();
    const sessions = await http.attach(fakeRequest({ headers: { cookie } }), target);
    expect(sessions.status).toBe('unavailable');
    expect(sessions.current).toBeNull();
    expect(errors).toHaveLength(1);
    const denied = requireSessionResponse(sessions);
    expect(denied?.status).toBe(503);
    expect(denied?.headers['retry-after']).toBe('7');
    expect(denied?.setCookies).toEqual([]);
    for (const action of [() => sessions.signOut(), () => sessions.signOutEverywhere(), () => sessions.list()]) {
      const error = await action().catch((caught: unknown) => caught);
      expect(isSessionError(error) && error.code).toBe('STORE_UNAVAILABLE');
    }
    expect(target.cookies).toEqual([]);
    store.failing = false;
    expect((await manager.validate(created.token)).ok).toBe(true);
  });

  it('a throwing onError still gives a 503', async () => {
    const store = switchableStore(memoryStore());
    const manager = createSessionManager({ store });
    const { cookie } = await signedIn(manager);
    const http = createSessionHttp(manager, {
      onError: () => {
        throw new SessionError('INVALID_INPUT', 'logger broke');
      },
    });
    store.failing = true;
    const sessions = await http.attach(fakeRequest({ headers: { cookie } }), recorder());
    expect(requireSessionResponse(sessions)?.status).toBe(503);
  });

  it('accessTokens: true on a manager without access tokens throws INVALID_CONFIGURATION at startup', () => {
    let error: unknown;
    try {
      createSessionHttp(createSessionManager(), { accessTokens: true });
    } catch (caught) {
      error = caught;
    }
    expect(isSessionError(error) && error.code).toBe('INVALID_CONFIGURATION');
  });

  it('refuses anything but a manager at startup', () => {
    expect(() => createSessionHttp({} as SessionManager)).toThrow(/createSessionManager/);
    expect(() => createSessionRoutes(null as unknown as SessionManager)).toThrow(/createSessionManager/);
  });

  it('the routes say in a sentence that agrees with them what they need: the session middleware before them, a manager', async () => {
    const manager = createSessionManager();
    const routes = createSessionRoutes(manager);
    await expect(routes.respond(undefined)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: 'The session routes must be mounted after the session middleware.' });
    expect(() => createSessionRoutes(null as unknown as SessionManager)).toThrow('The session routes must be given the manager returned by createSessionManager() as the first argument.');
  });

  it('requireSession and the routes need the middleware of the same manager', async () => {
    const manager = createSessionManager();
    expect(() => requireSessionResponse(undefined)).toThrow(/middleware/);
    const sessions = await createSessionHttp(manager).attach(fakeRequest({ url: '/sessions' }), recorder());
    await expect(createSessionRoutes(createSessionManager()).respond(sessions)).rejects.toThrow(/different session managers/);
    await expect(createSessionRoutes(manager).respond(undefined)).rejects.toThrow(/middleware/);
  });
});

describe('a user of two organizations, each on its own host, in one browser', () => {
  it("signing in to the second organization leaves the first one's cookie signed in", async () => {
    const manager = createSessionManager();
    const http = createSessionHttp(manager);
    // Host-only cookies: the browser keeps one jar per organization's host.
    const jar = new Map<string, string>();
    const visit = async (host: string) => {
      const target = recorder();
      const cookie = jar.get(host);
      const sessions = await http.attach(fakeRequest({ method: 'POST', url: '/login', headers: { host, 'user-agent': CHROME, ...(cookie === undefined ? {} : { cookie }) } }), target);
      return { sessions, target };
    };
    const signIn = async (host: string, tenantId: string) => {
      const { sessions, target } = await visit(host);
      await sessions.signIn({ userId: 'alice', tenantId });
      jar.set(host, target.cookies[0]!.split(';')[0]!);
    };
    await signIn('acme.example.com', 'acme');
    await signIn('globex.example.com', 'globex');
    const acme = (await visit('acme.example.com')).sessions;
    expect([acme.status, acme.current?.tenantId]).toEqual(['authenticated', 'acme']);
    const globex = (await visit('globex.example.com')).sessions;
    expect([globex.status, globex.current?.tenantId]).toEqual(['authenticated', 'globex']);
    expect((await acme.list()).map((row) => [row.tenantId, row.deviceLabel, row.current]).sort()).toEqual([
      ['acme', 'Chrome on Mac OS', true],
      ['globex', 'Chrome on Mac OS', false],
    ]);
  });
});

describe('session routes', () => {
  it('POST sign-out-everywhere with an API token (kind api, bearer) ends that token too, as a password change made with it does', async () => {
    const manager = createSessionManager();
    const http = createSessionHttp(manager);
    const laptop = await manager.create({ userId: 'ada', userAgent: CHROME });
    const api = await manager.create({ userId: 'ada', kind: 'api' });
    const other = await manager.create({ userId: 'ada', kind: 'api' });
    const sessions = await http.attach(fakeRequest({ method: 'POST', url: '/sessions/sign-out-everywhere', headers: { authorization: `Bearer ${api.token}` } }), recorder());
    expect((await createSessionRoutes(manager).respond(sessions))?.status).toBe(204);
    expect(sessions.status).toBe('anonymous');
    expect(await manager.validate(laptop.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await manager.validate(api.token, { bearer: true })).toEqual({ ok: false, reason: 'revoked' });
    // Another integration's token is no kind "sign out everywhere" covers.
    expect((await manager.validate(other.token, { bearer: true })).ok).toBe(true);
  });

  it('lists in the Accept-Language locale and passes other paths on', async () => {
    const manager = createSessionManager();
    const { http, cookie } = await signedIn(manager);
    const routes = createSessionRoutes(manager);
    const listed = await routes.respond(await http.attach(fakeRequest({ url: '/sessions/?x=1', headers: { cookie, 'accept-language': 'fr-FR,fr;q=0.9' } }), recorder()));
    expect(listed?.status).toBe(200);
    const [view] = JSON.parse(listed?.body ?? '[]') as { lastUsed: string }[];
    expect(view?.lastUsed).not.toBe('Just now');
    for (const url of ['/', '/sessionsx', '/sessions/a/b', '/api/sessions']) {
      expect(await routes.respond(await http.attach(fakeRequest({ url, headers: { cookie } }), recorder()))).toBeUndefined();
    }
  });

  it("req.sessions.list() words lastUsed in the request's Accept-Language, as the JSON route does, unless given a locale", async () => {
    const manager = createSessionManager();
    const { http, cookie } = await signedIn(manager);
    const french = await http.attach(fakeRequest({ url: '/account/security', headers: { cookie, 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.7' } }), recorder());
    expect((await french.list()).map((row) => row.lastUsed)).toEqual(['Maintenant']);
    expect((await french.list({ locale: 'de' })).map((row) => row.lastUsed)).toEqual(['Jetzt']);
    const plain = await http.attach(fakeRequest({ url: '/account/security', headers: { cookie } }), recorder());
    expect((await plain.list()).map((row) => row.lastUsed)).toEqual(['Just now']);
  });

  it('passes other spellings of its paths on, and gives the ones it takes the usual checks', async () => {
    const manager = createSessionManager();
    const alice = await signedIn(manager);
    const bob = await signedIn(manager, 'bob');
    const routes = createSessionRoutes(manager);
    const status = async (method: string, url: string, cookie?: string) =>
      (await routes.respond(await alice.http.attach(fakeRequest({ method, url, headers: cookie === undefined ? {} : { cookie } }), recorder())))?.status;
    for (const url of ['/SESSIONS', '/Sessions', '/%73essions', '/%53ESSIONS', '//sessions', '///sessions', '/./sessions', '/x/../sessions', '/%2e/sessions', '/sessions;x', '/sessions%00', '/sessions%20', '/sessions//']) {
      expect(await status('GET', url)).toBeUndefined();
    }
    expect(await status('GET', '/sessions/')).toBe(401);
    const id = bob.created.session.id;
    for (const url of [`/sessions%2F${id}`, `/sessions%2f${id}`, `/sessions//${id}`, `/sessions/./${id}`, `/sessions/${id}/`, `/sessions/${id}//`]) {
      expect(await status('DELETE', url, alice.cookie)).toBeUndefined();
    }
    for (const url of [`/sessions/${id}`, `/sessions/${id};x`, `/sessions/${id}%00`, `/sessions/${id}%20`]) {
      expect(await status('DELETE', url)).toBe(401);
      expect(await status('DELETE', url, alice.cookie)).toBe(404);
    }
    expect((await manager.validate(bob.created.token)).ok).toBe(true);
  });

  it('need a session on every route, answer another method with 405 and Allow, and a DELETE of an id not the user\'s with 404', async () => {
    const manager = createSessionManager();
    const alice = await signedIn(manager);
    const routes = createSessionRoutes(manager);
    const respond = async (method: string, url: string, cookie?: string) =>
      routes.respond(await alice.http.attach(fakeRequest({ method, url, headers: cookie === undefined ? {} : { cookie } }), recorder()));
    const id = alice.created.session.id;
    for (const [method, url] of [['GET', '/sessions'], ['POST', '/sessions/sign-out'], ['POST', '/sessions/sign-out-others'], ['POST', '/sessions/sign-out-everywhere'], ['DELETE', `/sessions/${id}`]]) {
      expect(await respond(method!, url!)).toMatchObject({ status: 401, body: '{"error":"unauthenticated"}' });
    }
    const allowed = [['/sessions/sign-out', 'POST'], ['/sessions/sign-out-others', 'POST'], ['/sessions/sign-out-everywhere', 'POST'], [`/sessions/${id}`, 'DELETE'], ['/sessions', 'GET, HEAD']];
    for (const [url, allow] of allowed) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((method) => !allow!.split(', ').includes(method))) {
        expect(await respond(method, url!, alice.cookie)).toMatchObject({ status: 405, headers: { allow, 'cache-control': 'no-store' } });
      }
    }
    for (const other of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-a-session-id', '..%2F..%2Fx']) {
      expect(await respond('DELETE', `/sessions/${other}`, alice.cookie)).toMatchObject({ status: 404, body: '{"error":"not_found"}' });
    }
    expect((await manager.validate(alice.created.token)).ok).toBe(true);
  });

  it('refuse a cross-site request on every state-changing route with 403, never cached, and end nothing', async () => {
    const manager = createSessionManager();
    const alice = await signedIn(manager);
    const other = await alice.http.attach(fakeRequest({ method: 'POST', url: '/login', headers: { 'user-agent': 'curl/8.0' } }), recorder());
    const phone = await other.signIn({ userId: 'alice' });
    const routes = createSessionRoutes(manager);
    const attacks: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'https://app.example' }, { origin: 'http://app.example:1' }];
    for (const headers of attacks) {
      for (const [method, url] of [['POST', '/sessions/sign-out'], ['POST', '/sessions/sign-out-others'], ['POST', '/sessions/sign-out-everywhere'], ['DELETE', `/sessions/${phone.session.id}`]]) {
        const request = fakeRequest({ method, url, headers: { host: 'app.example', cookie: alice.cookie, ...headers } });
        expect(await routes.respond(await alice.http.attach(request, recorder()))).toMatchObject({ status: 403, body: '{"error":"cross_site_request"}', headers: { 'cache-control': 'no-store' }, setCookies: [] });
      }
    }
    expect([(await manager.validate(alice.created.token)).ok, (await manager.validate(phone.token)).ok]).toEqual([true, true]);
  });

  it('answers a route that fails in the store with 503', async () => {
    const store = switchableStore(memoryStore());
    const manager = createSessionManager({ store });
    const { http, cookie } = await signedIn(manager);
    const sessions = await http.attach(fakeRequest({ method: 'POST', url: '/sessions/sign-out-others', headers: { cookie } }), recorder());
    store.failing = true;
    const response = await createSessionRoutes(manager).respond(sessions);
    expect(response?.status).toBe(503);
    expect(response?.setCookies).toEqual([]);
  });
  it("revoke() of this very session is a sign-out: under the global-logout policy every device goes, as DELETE /sessions/<own id> does", async () => {
    const outcome = async (how: 'route' | 'method') => {
      const manager = createSessionManager({ policy: { globalLogout: true } });
      const laptop = await manager.create({ userId: 'ada', userAgent: CHROME });
      const phone = await manager.create({ userId: 'ada', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' });
      const target = recorder();
      const request = fakeRequest({ method: 'DELETE', url: `/sessions/${laptop.session.id}`, headers: { cookie: `session=${laptop.token}`, 'sec-fetch-site': 'same-origin' } });
      const sessions = await createSessionHttp(manager).attach(request, target);
      if (how === 'route') expect((await createSessionRoutes(manager).respond(sessions))?.status).toBe(204);
      else expect(await sessions.revoke(laptop.session.id)).toBe(true);
      return { laptop: (await manager.validate(laptop.token)).ok, phone: (await manager.validate(phone.token)).ok, cleared: target.cookies.some((value) => value.startsWith('session=;')), status: sessions.status };
    };
    const expected = { laptop: false, phone: false, cleared: true, status: 'anonymous' };
    expect(await outcome('route')).toEqual(expected);
    expect(await outcome('method')).toEqual(expected);
  });

  it("signing out a Bearer API token leaves the browser's cookie, another live session, in place", async () => {
    const manager = createSessionManager();
    const browser = await manager.create({ userId: 'ada', userAgent: CHROME });
    const api = await manager.create({ userId: 'ada', kind: 'api' });
    const target = recorder();
    const sessions = await createSessionHttp(manager).attach(fakeRequest({ method: 'POST', headers: { authorization: `Bearer ${api.token}`, cookie: `session=${browser.token}` } }), target);
    expect(sessions.current?.id).toBe(api.session.id);
    await sessions.signOut();
    expect(await manager.validate(api.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await manager.validate(browser.token)).ok).toBe(true);
    expect(target.cookies).toEqual([]);
    expect(sessions.status).toBe('anonymous');
  });
});
