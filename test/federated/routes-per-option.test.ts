import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSameOrigin, sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startTestIssuer, SUITE_GTR_AUDIENCE, SUITE_SET_AUDIENCE, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { listen } from '../frameworks/listen.js';

// An app laid out as the guides show it: the quick start's session routes, then one
// sessionRoutes() call per provider route (back-channel logout, security events, Universal
// Logout), each under the same /sessions prefix. Each provider's request must reach its route.

const ACCOUNT_DISABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-disabled';

let idp: TestIssuer;
let sessions: SessionManager;
let url: string;
let close: () => Promise<void>;
beforeAll(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
  const app = express();
  app.use(sessionMiddleware(sessions));
  app.use(sessionRoutes(sessions, { prefix: '/sessions' }));
  app.use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] } }));
  app.use(sessionRoutes(sessions, { securityEvents: { transmitters: [{ issuer: idp.issuer, audience: SUITE_SET_AUDIENCE, jwksUri: `${idp.issuer}/jwks` }] } }));
  app.use(sessionRoutes(sessions, { globalTokenRevocation: { issuers: [{ issuer: idp.issuer, audience: SUITE_GTR_AUDIENCE }], resolveSubject: ({ sub }) => sub } }));
  app.use(requireSameOrigin());
  ({ url, close } = await listen(createServer(app)));
});
afterAll(async () => {
  await close();
  await sessions.close();
  await idp.close();
});

const signIn = () => sessions.create({ userId: 'alice', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });

describe('provider routes mounted by a sessionRoutes() call each, after the quick start\'s', () => {
  it('the provider\'s back-channel logout ends the session', async () => {
    const { token } = await signIn();
    const reply = await fetch(`${url}/sessions/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `logout_token=${await idp.logoutToken({ sub: 'alice', sid: 'sid-1' })}` });
    expect(reply.status).toBe(200);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a pushed account-disabled event ends the session', async () => {
    const { token } = await signIn();
    const set = await idp.securityEventToken(ACCOUNT_DISABLED, { format: 'iss_sub', iss: idp.issuer, sub: 'alice' });
    const reply = await fetch(`${url}/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: set });
    expect(reply.status).toBe(202);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a Universal Logout request ends the session', async () => {
    const { token } = await signIn();
    const reply = await fetch(`${url}/sessions/global-token-revocation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idp.revocationBearer(SUITE_GTR_AUDIENCE)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sub_id: { format: 'iss_sub', iss: idp.issuer, sub: 'alice' } }),
    });
    expect(reply.status).toBe(204);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
  });
});
