import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';

// A provider publishes a new key before it signs with it. A bearer signed with it within 30 s of the app's last key
// fetch (jose fetches no sooner) is answered 503, so the provider's next try is taken; never a 401 that keeps the user in.

const AUDIENCE = 'https://app.example.com/sessions/global-token-revocation';

describe('Universal Logout: a bearer signed with a key published since the last key fetch', () => {
  const keys: JWK[] = [];
  let signing: { key: CryptoKey; kid: string };
  let jwks: Server;
  let issuer: string;
  let sessions: SessionManager;
  let app: { url: string; close: () => Promise<void> };
  const reported: unknown[] = [];

  const publish = async (kid: string): Promise<void> => {
    const pair = await generateKeyPair('ES256');
    keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' });
    signing = { key: pair.privateKey, kid };
  };
  const bearer = (): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, aud: AUDIENCE, iat: now, exp: now + 300, jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: signing.kid }).sign(signing.key);
  };
  const post = (token: string, email: string): Promise<Response> =>
    fetch(`${app.url}/sessions/global-token-revocation`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sub_id: { format: 'email', email } }) });

  beforeEach(async () => {
    keys.length = 0;
    reported.length = 0;
    await publish('k1');
    jwks = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    sessions = createSessionManager({ store: memoryStore() });
    const routes = express();
    routes.use(sessionMiddleware(sessions, { onError: (error) => void reported.push(error) }));
    routes.use(sessionRoutes(sessions, { globalTokenRevocation: { issuers: [{ issuer, jwksUri: `${issuer}/jwks`, audience: AUDIENCE }], resolveSubject: ({ email }) => email?.split('@')[0] } }));
    app = await listen(createServer(routes));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await app.close();
    await sessions.close();
    jwks.closeAllConnections();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('is answered 503, not reported and not spent, and taken once the keys may be fetched again', async () => {
    const bob = await sessions.create({ userId: 'bob' });
    const alice = await sessions.create({ userId: 'alice' });
    // The keys are fetched for this one.
    expect((await post(await bearer(), 'bob@example.com')).status).toBe(204);
    expect((await sessions.validate(bob.token)).ok).toBe(false);
    await publish('k2');
    const token = await bearer();
    const answer = await post(token, 'alice@example.com');
    expect({ status: answer.status, retryAfter: answer.headers.get('retry-after') !== null, reported }).toEqual({ status: 503, retryAfter: true, reported: [] });
    expect((await sessions.validate(alice.token)).ok).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await post(token, 'alice@example.com')).status).toBe(204);
    expect((await sessions.validate(alice.token)).ok).toBe(false);
  });

  it('a kid the keys lack when fetched after the bearer came is refused 401', async () => {
    const alice = await sessions.create({ userId: 'alice' });
    // No fetch yet: this one is judged on keys fetched for it.
    signing = { ...signing, kid: 'made-up' };
    expect((await post(await bearer(), 'alice@example.com')).status).toBe(401);
    expect((await sessions.validate(alice.token)).ok).toBe(true);
  });
});
