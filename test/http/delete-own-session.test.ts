import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';
import { UA } from '../support/clock.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const target = (): ResponseTarget => ({ setHeader: () => undefined, appendSetCookie: () => undefined });

// DELETE /sessions/<this session's id> is a sign-out, under the global-logout policy, whatever credential names the session.
describe('DELETE of this very session, under the global-logout policy', () => {
  async function setup(routeOptions = {}, clock?: () => number) {
    const manager = createSessionManager({ accessTokens: { secret: SECRET }, policy: { globalLogout: true }, ...(clock && { clock }) });
    const http = createSessionHttp(manager, { accessTokens: true });
    const routes = createSessionRoutes(manager, routeOptions);
    const laptop = await manager.create({ userId: 'ada', userAgent: UA.chromeMac });
    const phone = await manager.create({ userId: 'ada', userAgent: UA.safariIphone });
    const send = async (method: string, url: string, authorization: string) =>
      routes.respond(await http.attach(fakeRequest({ method, url, headers: { authorization, 'sec-fetch-site': 'same-origin', 'user-agent': UA.chromeMac } }), target()));
    return { manager, laptop, phone, send };
  }

  it("an access token's DELETE of its own session (its sid) signs out every device, as its POST /sessions/sign-out does", async () => {
    const { manager, laptop, phone, send } = await setup();
    expect((await send('DELETE', `/sessions/${laptop.session.id}`, `Bearer ${await manager.issueAccessToken(laptop.session)}`))?.status).toBe(204);
    expect([(await manager.validate(laptop.token)).ok, (await manager.validate(phone.token)).ok]).toEqual([false, false]);
  });

  it('with requireFresh, a stale access token may still end its own session: a sign-out never needs a fresh session', async () => {
    let now = Date.now();
    const { manager, laptop, phone, send } = await setup({ requireFresh: 60_000 }, () => now);
    now += 10 * 60_000;
    expect((await send('DELETE', `/sessions/${laptop.session.id}`, `Bearer ${await manager.issueAccessToken(laptop.session)}`))?.status).toBe(204);
    expect([(await manager.validate(laptop.token)).ok, (await manager.validate(phone.token)).ok]).toEqual([false, true]);
  });

  it('an API token deleting itself, or signing out, ends itself alone: the policy ends devices, and it is none', async () => {
    const { manager, laptop, send } = await setup();
    const first = await manager.create({ userId: 'ada', kind: 'api' });
    expect((await send('DELETE', `/sessions/${first.session.id}`, `Bearer ${first.token}`))?.status).toBe(204);
    const second = await manager.create({ userId: 'ada', kind: 'api' });
    expect((await send('POST', '/sessions/sign-out', `Bearer ${second.token}`))?.body).toBe('{"global":false}');
    expect(await Promise.all([first, second].map(async ({ token }) => (await manager.validate(token, { bearer: true })).ok))).toEqual([false, false]);
    expect((await manager.validate(laptop.token)).ok).toBe(true);
  });
});
