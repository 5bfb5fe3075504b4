import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget, type SessionRoutes } from '../../src/http/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { fakeRequest } from './fake-request.js';

// The back-channel logout route's answers, once: the framework kit sends one token and one form
// of each kind through every wrapper.

const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };

let idp: TestIssuer;
let sessions: SessionManager;
let routes: SessionRoutes;
beforeAll(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
  routes = createSessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] } });
});
afterAll(async () => {
  await sessions.close();
  await idp.close();
});

async function post(body: string, over = routes, manager = sessions) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const request = { ...fakeRequest({ method: 'POST', url: '/sessions/backchannel-logout', headers }), readBody: () => Promise.resolve(body) };
  return over.respond(await createSessionHttp(manager).attach(request, target));
}

describe('the back-channel logout route', () => {
  it('answers a replayed, nonce-bearing or stale token with 400 { error }, ending nothing', async () => {
    const { token } = await sessions.create({ userId: 'alice', federated: { iss: idp.issuer, sub: 'alice@idp' } });
    const spent = await idp.logoutToken({ sub: 'nobody' });
    expect((await post(`logout_token=${spent}`))?.status).toBe(200);
    const stale = await idp.logoutToken({ sub: 'alice@idp', iat: Math.floor(Date.now() / 1000) - 3600 });
    for (const logoutToken of [spent, await idp.logoutToken({ sub: 'alice@idp', nonce: 'n' }), stale]) {
      const reply = await post(`logout_token=${logoutToken}`);
      expect(reply?.status).toBe(400);
      expect(typeof (JSON.parse(reply?.body ?? '{}') as { error?: unknown }).error).toBe('string');
    }
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('answers 503 while the JWKS answers something that is not JSON', async () => {
    // A manager that has not fetched the keys yet.
    const fresh = createSessionManager({ store: memoryStore() });
    const { token } = await fresh.create({ userId: 'alice', federated: { iss: idp.issuer, sub: 'alice@idp', sid: 'idp-session-1' } });
    idp.jwksAnswer = 'not-json';
    try {
      const over = createSessionRoutes(fresh, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] } });
      expect(await post(`logout_token=${await idp.logoutToken({ sid: 'idp-session-1' })}`, over, fresh)).toMatchObject({ status: 503, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
      expect((await fresh.validate(token)).ok).toBe(true);
    } finally {
      idp.jwksAnswer = 'keys';
      await fresh.close();
    }
  });
});
