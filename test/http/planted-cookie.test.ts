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
