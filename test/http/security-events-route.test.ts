import { createServer } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SecurityEventOptions, type SecurityEventRefusalReport, type SessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget } from '../../src/http/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { startTestIssuer, SUITE_SET_AUDIENCE, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { listen } from '../frameworks/listen.js';
import { fakeRequest } from './fake-request.js';

// What an app serving the push route sees beyond the framework suite: a body its own parser
// read first, the route's refusals told to onRefused, and a store that cannot keep SET ids.

const ACCOUNT_DISABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-disabled';

let idp: TestIssuer;
let sessions: SessionManager;
let app: FrameworkApp | undefined;
beforeEach(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await sessions.close();
  await idp.close();
});

const transmitter = () => ({ issuer: idp.issuer, audience: SUITE_SET_AUDIENCE, jwksUri: `${idp.issuer}/jwks`, authorization: 'Bearer push-secret', resolveSubject: () => 'alice' });

async function serve(options: SecurityEventOptions, parser?: express.RequestHandler): Promise<string> {
  const server = express();
  server.use(sessionMiddleware(sessions));
  if (parser !== undefined) server.use(parser);
  server.use(sessionRoutes(sessions, { securityEvents: options }));
  app = await listen(createServer(server));
  return app.url;
}

const push = (url: string, set: string, authorization = 'Bearer push-secret') =>
  fetch(`${url}/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt', authorization }, body: set });

describe('the security events route', () => {
  it('takes a SET the app\'s own text or raw parser read first', async () => {
    for (const parser of [express.text({ type: 'application/secevent+jwt' }), express.raw({ type: 'application/secevent+jwt' })]) {
      const url = await serve({ transmitters: [transmitter()] }, parser);
      const { token } = await sessions.create({ userId: 'alice' });
      expect((await push(url, await idp.securityEventToken(ACCOUNT_DISABLED, { format: 'email', email: 'alice@example.com' }))).status).toBe(202);
      expect((await sessions.validate(token)).ok).toBe(false);
      await app?.close();
      app = undefined;
    }
  });

  it('tells onRefused of the refusals it answers itself, naming the transmitter', async () => {
    const refusals: SecurityEventRefusalReport[] = [];
    const url = await serve({ transmitters: [transmitter()], onRefused: (refusal) => refusals.push(refusal) });
    const { token } = await sessions.create({ userId: 'alice' });
    const reply = await push(url, await idp.securityEventToken(ACCOUNT_DISABLED, { format: 'email', email: 'alice@example.com' }), 'Bearer guessed');
    expect(reply.status).toBe(400);
    expect(refusals).toEqual([{ err: 'authentication_failed', description: expect.any(String), issuer: idp.issuer }]);
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});

describe('the security events route, without a wrapper', () => {
  const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };
  const respond = async (set: string) => {
    const routes = createSessionRoutes(sessions, { securityEvents: { transmitters: [transmitter()] } });
    const headers = { 'content-type': 'application/secevent+jwt', authorization: 'Bearer push-secret' };
    const request = { ...fakeRequest({ method: 'POST', url: '/sessions/security-events', headers }), readBody: () => Promise.resolve(set) };
    return routes.respond(await createSessionHttp(sessions).attach(request, target));
  };
  const accepted = { status: 202, body: '' };

  it('acknowledges with 202 and no body a SET that ended sessions, a replayed one, and verification and unknown event types', async () => {
    const set = await idp.securityEventToken(ACCOUNT_DISABLED, { format: 'email', email: 'alice@example.com' });
    const first = await sessions.create({ userId: 'alice' });
    expect(await respond(set)).toMatchObject(accepted);
    expect((await sessions.validate(first.token)).ok).toBe(false);
    const since = await sessions.create({ userId: 'alice' });
    expect(await respond(set)).toMatchObject(accepted);
    expect(await respond(await idp.securityEventToken('https://schemas.openid.net/secevent/ssf/event-type/verification', { format: 'opaque', id: 'stream-1' }))).toMatchObject(accepted);
    expect(await respond(await idp.securityEventToken('https://events.example.com/something-new', { format: 'email', email: 'alice@example.com' }))).toMatchObject(accepted);
    expect((await sessions.validate(since.token)).ok).toBe(true);
  });

  it('marks the 202 no-store for every cache, as every other answer of the routes', async () => {
    const reply = await respond(await idp.securityEventToken(ACCOUNT_DISABLED, { format: 'email', email: 'alice@example.com' }));
    expect(reply).toMatchObject({ status: 202, headers: { 'cache-control': 'no-store', 'cdn-cache-control': 'no-store', 'surrogate-control': 'no-store' }, body: '' });
  });
});
