import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type BackchannelRefusalReport, type SessionManager } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// The back-channel logout form's size limit (9 KB) holds whichever way the body arrives: read
// by the route, or parsed first by an app's form parser whose own limit is far larger.

describe('back-channel logout behind express.urlencoded({ limit: "1mb" })', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  let url: string;
  let close: () => Promise<void>;
  const refusals: BackchannelRefusalReport[] = [];
  beforeAll(async () => {
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
    const app = express();
    app.use(sessionMiddleware(sessions));
    app.use(express.urlencoded({ limit: '1mb', extended: false }));
    app.use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], onRefused: (refusal) => void refusals.push(refusal) } }));
    ({ url, close } = await listen(createServer(app)));
  });
  afterAll(async () => {
    await close();
    await sessions.close();
    await idp.close();
  });
  const post = (body: string) => fetch(`${url}/sessions/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const signIn = () => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
  const formRefusal = { error: 'invalid_request', error_description: 'missing' };

  it('a valid token in a form padded past 9 KB is refused (400) and signs out nothing', async () => {
    const signedIn = await signIn();
    for (const padding of [10_000, 200_000]) {
      const reply = await post(`logout_token=${await idp.logoutToken()}&padding=${'x'.repeat(padding)}`);
      expect([reply.status, await reply.json()]).toEqual([400, formRefusal]);
    }
    const multibyte = await post(`logout_token=${await idp.logoutToken()}&padding=${encodeURIComponent('é'.repeat(4_000))}`);
    expect([multibyte.status, await multibyte.json()]).toEqual([400, formRefusal]);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a logout_token past the size limit is refused, however large the parser allows, and reported to onRefused', async () => {
    const signedIn = await signIn();
    refusals.length = 0;
    const huge = await idp.logoutToken({ claims: { padding: 'x'.repeat(100_000) } });
    const reply = await post(`logout_token=${huge}`);
    expect([reply.status, await reply.json()]).toEqual([400, formRefusal]);
    expect(refusals).toEqual([{ reason: 'missing', issuer: undefined }]);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a JSON body or two logout_token fields are refused as missing, and reported to onRefused', async () => {
    const token = await idp.logoutToken();
    refusals.length = 0;
    const json = await fetch(`${url}/sessions/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logout_token: token }) });
    const twice = await post(`logout_token=${token}&logout_token=${token}`);
    for (const reply of [json, twice]) expect([reply.status, await reply.json()]).toEqual([400, formRefusal]);
    expect(refusals).toEqual([{ reason: 'missing', issuer: undefined }, { reason: 'missing', issuer: undefined }]);
  });

  it('a valid token in a form within the limit is still taken from the parsed body', async () => {
    const signedIn = await signIn();
    refusals.length = 0;
    expect((await post(`logout_token=${await idp.logoutToken()}`)).status).toBe(200);
    expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(refusals).toEqual([]);
  });
});

describe("back-channel logout behind the app's own text or raw parser", () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  beforeAll(async () => {
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterAll(async () => {
    await sessions.close();
    await idp.close();
  });

  it('takes the logout token from the form bytes express.text() or express.raw() kept, within the same 9 KB', async () => {
    for (const parser of [express.text({ type: '*/*' }), express.raw({ type: '*/*' })]) {
      const app = express();
      app.use(parser);
      app.use(sessionMiddleware(sessions));
      app.use(sessionRoutes(sessions, { backchannelLogout: { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] } }));
      const { url, close } = await listen(createServer(app));
      try {
        const post = (body: string) => fetch(`${url}/sessions/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
        const padded = await post(`logout_token=${await idp.logoutToken()}&padding=${'x'.repeat(10_000)}`);
        expect([padded.status, await padded.json()]).toEqual([400, { error: 'invalid_request', error_description: 'missing' }]);
        expect((await sessions.validate(signedIn.token)).ok).toBe(true);
        expect((await post(`logout_token=${await idp.logoutToken()}`)).status).toBe(200);
        expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
      } finally {
        await close();
      }
    }
  });
});
