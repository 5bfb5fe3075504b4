import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type BackchannelRefusalReport } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// What the app is told by the back-channel logout route: refusals through onRefused, and the
// cause of a 503 through the session middleware's onError (the provider may never send again).

describe('back-channel logout route reports', () => {
  let idp: HomeIssuer;
  let url: string;
  let close: () => Promise<void>;
  const errors: unknown[] = [];
  const refusals: BackchannelRefusalReport[] = [];
  let now = Date.now();
  beforeAll(async () => {
    idp = await startHomeIssuer();
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now });
    const app = express();
    app.use(sessionMiddleware(sessions, { onError: (error) => void errors.push(error) }));
    app.use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], onRefused: (refusal) => void refusals.push(refusal) } }));
    ({ url, close } = await listen(createServer(app)));
  });
  afterAll(async () => {
    await close();
    await idp.close();
  });
  const post = (token: string) =>
    fetch(`${url}/sessions/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `logout_token=${token}` });

  it('a refused token goes to onRefused (400); keys that cannot be fetched to onError too (503)', async () => {
    // Refused before any key is fetched.
    expect((await post(await idp.logoutToken({ header: { typ: 'JWT' } }))).status).toBe(400);
    expect(refusals).toEqual([{ reason: 'bad_type', issuer: idp.issuer }]);
    expect(errors).toEqual([]);
    idp.jwksAnswer = 502;
    const reply = await post(await idp.logoutToken());
    idp.jwksAnswer = 'keys';
    // Past the back-off after that failed fetch.
    now += 10_000;
    expect(reply.status).toBe(503);
    expect(refusals.map((refusal) => refusal.reason)).toEqual(['bad_type', 'keys_unavailable']);
    expect(errors).toEqual([expect.objectContaining({ message: `${idp.issuer}/jwks answered 502.` })]);
  });

  it('forged tokens naming made-up kids are 400 unknown_key, also within the 30 s refetch cooldown: never 503, never onError, never the kid in a report', async () => {
    errors.length = 0;
    refusals.length = 0;
    const kids = ['made-up', 'evil\r\n[error] injected line', 'x'.repeat(5_000), '${jndi:ldap://example}'];
    const replies: unknown[] = [];
    for (const kid of kids) {
      const reply = await post(await idp.logoutToken({ header: { kid } }));
      replies.push([reply.status, await reply.json()]);
    }
    expect(replies).toEqual(kids.map(() => [400, { error: 'invalid_request', error_description: 'unknown_key' }]));
    expect(refusals).toEqual(kids.map(() => ({ reason: 'unknown_key', issuer: idp.issuer })));
    expect(errors).toEqual([]);
  });
});
