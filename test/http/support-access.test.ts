import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionEvent } from '../../src/index.js';
import { createSessionHttp, requireFreshResponse, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

const target = (): ResponseTarget => ({ setHeader: () => undefined, appendSetCookie: () => undefined });

describe('a support session on a request', () => {
  async function setup() {
    const manager = createSessionManager({ accessTokens: { secret: SECRET } });
    const http = createSessionHttp(manager, { accessTokens: true });
    const admin = await manager.create({ userId: 'root', userAgent: CHROME });
    const support = await manager.impersonate(admin.session, 'ada');
    const own = await manager.create({ userId: 'ada', userAgent: CHROME });
    const events: SessionEvent[] = [];
    manager.on('*', (event) => void events.push(event));
    const attach = (headers: Record<string, string>, method = 'GET') => http.attach(fakeRequest({ method, url: '/x', headers: { 'user-agent': CHROME, ...headers } }), target());
    return { manager, support, own, events, attach };
  }

  it('tells the app who is acting, is never fresh, and every change it makes carries by', async () => {
    const { support, own, events, attach } = await setup();
    const sessions = await attach({ cookie: `session=${support.token}` });
    expect([sessions.current?.impersonatorId, sessions.impersonatorId]).toEqual(['root', 'root']);
    expect((await attach({ cookie: `session=${own.token}` })).impersonatorId).toBeNull();
    expect(sessions.isFresh()).toBe(false);
    expect(requireFreshResponse(sessions)?.status).toBe(403);
    expect(await sessions.reauthenticated()).toBeNull();
    expect(await sessions.revoke(own.session.id)).toBe(true);
    await sessions.signOutOthers();
    await sessions.signOut();
    expect(events.map((event) => [event.type, 'by' in event ? event.by : undefined])).toEqual([
      ['session.revoked', 'root'],
      ['user.session_invalidated', 'root'],
      ['session.revoked', 'root'],
    ]);
  });

  it('every other door of the request names the actor too: an access token, a password change, sign out everywhere', async () => {
    const { manager, support, events, attach } = await setup();
    const bearer = await attach({ authorization: `Bearer ${await manager.issueAccessToken(support.session)}` }, 'POST');
    await bearer.signOutOthers();
    expect(await (await attach({ cookie: `session=${support.token}` }, 'POST')).passwordChanged()).toEqual({});
    const again = await manager.impersonate((await manager.create({ userId: 'root', userAgent: CHROME })).session, 'ada');
    await (await attach({ cookie: `session=${again.token}` }, 'POST')).signOutEverywhere();
    const caused = events.filter((event) => event.type !== 'session.created' && 'userId' in event && event.userId === 'ada');
    expect(caused.map((event) => [event.type, event.reason, 'by' in event ? event.by : undefined])).toEqual([
      ['user.session_invalidated', 'sign_out_others', 'root'],
      ['user.session_invalidated', 'password_changed', 'root'],
      ['user.session_invalidated', 'sign_out_everywhere', 'root'],
    ]);
    expect((await manager.activity('ada')).filter((entry) => entry.type !== 'session.created').every((entry) => entry.by === 'root')).toBe(true);
  });

  it('an access token minted for it carries the actor to the request', async () => {
    const { manager, support, attach } = await setup();
    const jwt = await manager.issueAccessToken(support.session);
    const sessions = await attach({ authorization: `Bearer ${jwt}` });
    expect(sessions.accessToken?.act).toEqual({ sub: 'root' });
    expect(sessions.impersonatorId).toBe('root');
    expect(sessions.isFresh()).toBe(false);
  });

  it('the user\'s own sign out everywhere ends it', async () => {
    const { support, own, attach } = await setup();
    await (await attach({ cookie: `session=${own.token}` }, 'POST')).signOutEverywhere();
    expect((await attach({ cookie: `session=${support.token}` })).status).toBe('anonymous');
  });
});

describe("a support session of a tenant and the user's other organizations", () => {
  const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
  const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

  // An acme admin acts as carol, who belongs to acme and to globex.
  async function setup() {
    const manager = createSessionManager();
    const http = createSessionHttp(manager);
    const admin = await manager.create({ userId: 'admin', tenantId: 'acme', userAgent: CHROME });
    const acme = await manager.create({ userId: 'carol', tenantId: 'acme', userAgent: SAFARI });
    const globex = await manager.create({ userId: 'carol', tenantId: 'globex', userAgent: FIREFOX, ip: '198.51.100.7' });
    const support = await manager.impersonate(admin.session, 'carol');
    const as = (token: string) => http.attach(fakeRequest({ method: 'POST', url: '/x', headers: { 'user-agent': CHROME, cookie: `session=${token}` } }), target());
    const live = async (token: string) => (await manager.validate(token)).ok;
    return { manager, acme, globex, support, as, live };
  }

  it("lists only that tenant's sessions, and cannot end another tenant's by id", async () => {
    const { acme, globex, support, as, live } = await setup();
    const sessions = await as(support.token);
    expect((await sessions.list()).map((row) => [row.id, row.tenantId])).toEqual([
      [support.session.id, 'acme'],
      [acme.session.id, 'acme'],
    ]);
    expect(await sessions.revoke(globex.session.id)).toBe(false);
    expect(await live(globex.token)).toBe(true);
    expect(await sessions.revoke(acme.session.id)).toBe(true);
    expect(await live(acme.token)).toBe(false);
  });

  it("signs the user's other devices out in that tenant only, and keeps itself", async () => {
    const { acme, globex, support, as, live } = await setup();
    expect((await (await as(support.token)).signOutOthers()).revokedIds).toEqual([acme.session.id]);
    expect([await live(acme.token), await live(globex.token), await live(support.token)]).toEqual([false, true, true]);
  });

  it("signs out everywhere in that tenant only (itself included)", async () => {
    const { acme, globex, support, as, live } = await setup();
    await (await as(support.token)).signOutEverywhere();
    expect([await live(acme.token), await live(globex.token), await live(support.token)]).toEqual([false, true, false]);
  });

  it("the user's own list and sign-outs cover every organization", async () => {
    const { acme, globex, support, as, live } = await setup();
    const own = await as(acme.token);
    expect((await own.list()).map((row) => row.tenantId).sort()).toEqual(['acme', 'acme', 'globex']);
    await own.signOutOthers();
    expect([await live(globex.token), await live(support.token), await live(acme.token)]).toEqual([false, false, true]);
  });
});
