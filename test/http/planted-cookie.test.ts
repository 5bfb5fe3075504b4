import { describe, expect, it } from 'vitest';
import { createSessionHttp, requireSessionResponse, type ResponseTarget } from '../../src/http/index.js';
import { createSessionManager } from '../../src/index.js';
import { fakeRequest } from './fake-request.js';

// A cookie planted with another path or domain (a custom name, or plain HTTP: not `__Host-`) comes
// first, beside the real one. Clearing `Path=/` would delete the real cookie only, and the next
// request would carry the planted one alone, signed in as the attacker.
describe('a request with the real session cookie and a planted one', () => {
  const setup = async () => {
    const manager = createSessionManager();
    const victim = await manager.create({ userId: 'victim' });
    const attacker = await manager.create({ userId: 'attacker' });
    const http = createSessionHttp(manager, { cookieName: 'sid' });
    const cookies: string[] = [];
    const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
    const request = fakeRequest({ url: '/account', headers: { cookie: `sid=${attacker.token}; sid=${victim.token}`, accept: 'application/json' } });
    return { manager, victim, attacker, cookies, sessions: await http.attach(request, target) };
  };

  it('requireSession answers 401 and clears no cookie', async () => {
    const { sessions, cookies } = await setup();
    const denied = requireSessionResponse(sessions);
    expect([denied?.status, denied?.setCookies, cookies]).toEqual([401, [], []]);
  });

  for (const action of ['signOut', 'signOutEverywhere'] as const) {
    it(`${action}() ends neither session and clears no cookie`, async () => {
      const { manager, victim, attacker, sessions, cookies } = await setup();
      await sessions[action]();
      expect(cookies).toEqual([]);
      expect([(await manager.validate(victim.token)).ok, (await manager.validate(attacker.token)).ok]).toEqual([true, true]);
    });
  }
});

describe('a cookie planted under the name with a leading no-break space', () => {
  // A sibling subdomain may set "\xA0__Host-session" (no prefix rules apply to it); Node reads the byte as U+00A0.
  it('is not the __Host-session cookie: alone it signs nobody in, beside the real one it is ignored', async () => {
    const manager = createSessionManager();
    const [victim, attacker] = [await manager.create({ userId: 'victim' }), await manager.create({ userId: 'attacker' })];
    const http = createSessionHttp(manager, { secure: true });
    const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };
    const userOf = async (cookie: string) => (await http.attach(fakeRequest({ url: '/account', headers: { cookie } }), target)).userId;
    expect(await userOf(`\u00a0__Host-session=${attacker.token}`)).toBeNull();
    expect(await userOf(`__Host-session=${victim.token}; \u00a0__Host-session=${attacker.token}`)).toBe('victim');
  });
});
