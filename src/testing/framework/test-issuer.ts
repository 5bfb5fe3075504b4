import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** Discovery and a JWKS on a free loopback port, whose JWKS endpoint a test can make fail. */
export interface IssuerServer {
  readonly issuer: string;
  /** How the JWKS endpoint answers: the keys (the default), another status, or a 200 that is not JSON. */
  jwksAnswer: 'keys' | 'not-json' | number;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  close(): Promise<void>;
}

/** A minimal OpenID provider for the suite: an {@link IssuerServer} and a signer of logout tokens. */
export interface TestIssuer extends IssuerServer {
  readonly clientId: string;
  /** A logout token for the suite's client, with `claims` added (or replacing the defaults, `iat` too). */
  logoutToken(claims?: Record<string, unknown>): Promise<string>;
}

/**
 * Starts an {@link IssuerServer} publishing what `keys()` answers at the time of each request.
 *
 * @param keys - The JWKS's keys.
 * @returns The server; set `jwksAnswer` on it to make the JWKS fail.
 */
export async function serveIssuer(keys: () => readonly JWK[]): Promise<IssuerServer> {
  // A plain object the handler reads at each request: a test's `jwksAnswer = 503` takes effect at once.
  const served = { issuer: '', jwksAnswer: 'keys' as IssuerServer['jwksAnswer'], jwksFetches: 0, close: () => Promise.resolve() };
  const server = createServer(function testIssuer(request, response) {
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: served.issuer, jwks_uri: `${served.issuer}/jwks` }));
      return;
    }
    if (request.url !== '/jwks') return void response.writeHead(404).end();
    served.jwksFetches += 1;
    const answer = served.jwksAnswer;
    if (answer === 'keys') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
    else if (answer === 'not-json') response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
    else response.writeHead(answer, { 'content-type': 'text/plain' }).end('unavailable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  served.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return served;
}

/** Starts a {@link TestIssuer} on a free loopback port. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const keys = [{ ...(await exportJWK(publicKey)), kid: 'suite', alg: 'ES256', use: 'sig' }];
  const served = await serveIssuer(() => keys);
  const clientId = 'suite-client';
  return Object.assign(served, {
    clientId,
    logoutToken: (claims: Record<string, unknown> = {}) =>
      new SignJWT({ jti: crypto.randomUUID(), events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid: 'suite' })
        .setIssuer(served.issuer)
        .setAudience(clientId)
        // A caller's iat stays: setIssuedAt() would replace it with now.
        .setIssuedAt(typeof claims['iat'] === 'number' ? claims['iat'] : undefined)
        .sign(privateKey),
  });
}
