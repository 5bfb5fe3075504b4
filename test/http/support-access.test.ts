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
