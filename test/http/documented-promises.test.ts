import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget } from '../../src/http/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';
import { fakeRequest } from './fake-request.js';

function recorder(): ResponseTarget & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
}

// Promises of docs/security-page.md that no other test pins.
describe('documented promises: the HTTP layer', () => {
  it('"keep me signed in" unticked stays unticked on the fresh cookie of a password change: no Max-Age', async () => {
    const manager = createSessionManager();
    const http = createSessionHttp(manager);
    const signIn = await http.attach(fakeRequest({ method: 'POST', headers: { 'user-agent': UA.chromeMac } }), recorder());
    const { token } = await signIn.signIn({ userId: 'ada', persistent: false });
    const written = recorder();
    const sessions = await http.attach(fakeRequest({ method: 'POST', headers: { cookie: `session=${token}` } }), written);
    const fresh = await sessions.passwordChanged();
    expect(written.cookies).toEqual([`session=${fresh.token}; Path=/; HttpOnly; SameSite=Lax`]);
  });

  it('with requireFresh, a stale session signing out never asks the global-logout policy', async () => {
    const clock = new TestClock();
    let asked = 0;
    const manager = createSessionManager({ clock: clock.read, policy: { globalLogout: () => ++asked > 0 } });
    const { token } = await manager.create({ userId: 'ada', userAgent: UA.chromeMac });
    const other = await manager.create({ userId: 'ada', userAgent: UA.firefoxWindows });
    clock.advance(11 * MINUTE);
    const http = createSessionHttp(manager);
    const routes = createSessionRoutes(manager, { requireFresh: 10 * MINUTE });
    const answer = await routes.respond(await http.attach(fakeRequest({ method: 'POST', url: '/sessions/sign-out', headers: { cookie: `session=${token}` } }), recorder()));
    expect([answer?.status, answer?.body, asked, (await manager.validate(other.token)).ok]).toEqual([200, '{"global":false}', 0, true]);
  });
});
