import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHttpsServer, type HttpsServer } from '../support/tls.js';

// A provider reached over https whose discovery document names a plain http jwks_uri on the app's own machine: the app
// would send a GET to whatever listens there. Refused (its tokens are keys_unavailable), the local service never asked.
// Run by the built package in a process that trusts the test's certificate, as an app trusts its provider's.

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
let provider: HttpsServer;
let local: Server;
let localHits = 0;
let jwksUri = '';
let signing: { key: CryptoKey; jwk: JWK };

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signing = { key: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' } };
  local = createServer((_request, response) => void (localHits++, response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [signing.jwk] }))));
  await new Promise<void>((done) => local.listen(0, '127.0.0.1', done));
  provider = await startHttpsServer((request, response) => {
    const body = request.url === '/jwks' ? { keys: [signing.jwk] } : { issuer: provider.origin, jwks_uri: jwksUri };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
});
afterAll(async () => {
  await provider.close();
  local.closeAllConnections();
  await new Promise((done) => local.close(done));
});

/** What `backchannelLogout()` of a fresh manager answers for a logout token of the provider, in a process trusting its certificate. */
async function logoutAnswer(): Promise<unknown> {
  const token = await new SignJWT({ iss: provider.origin, aud: 'app', jti: crypto.randomUUID(), sid: 'sid-1', events: EVENT }).setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid: 'k1' }).setIssuedAt().sign(signing.key);
  const script = `import { createSessionManager, memoryStore } from ${JSON.stringify(DIST)};
const sessions = createSessionManager({ store: memoryStore(), onError: () => {} });
console.log(JSON.stringify(await sessions.backchannelLogout(process.env.TOKEN, { issuers: [{ issuer: process.env.ISSUER, clientId: 'app' }] })));
await sessions.close();`;
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: provider.certificateFile, TOKEN: token, ISSUER: provider.origin };
  const stdout = await new Promise<string>((done, fail) => execFile(process.execPath, ['--input-type=module', '-e', script], { env, timeout: 20_000 }, (error, out) => (error ? fail(error) : done(out))));
  return JSON.parse(stdout);
}

it("a discovery document read over https naming a plain http jwks_uri on this machine: the provider's tokens are keys_unavailable, the local service never asked", async () => {
  jwksUri = `http://127.0.0.1:${(local.address() as AddressInfo).port}/jwks`;
  expect(await logoutAnswer()).toEqual({ ok: false, reason: 'keys_unavailable' });
  expect(localHits).toBe(0);
});

it('the same document naming its https jwks_uri: the token is verified', async () => {
  jwksUri = `${provider.origin}/jwks`;
  expect(await logoutAnswer()).toEqual({ ok: true, issuer: provider.origin, revokedIds: [] });
});
