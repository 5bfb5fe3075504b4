import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** How an endpoint of an {@link IssuerServer} answers besides its document: a status, or never (it hangs until released). */
export type FailingAnswer = number | 'hang';

/** Discovery and a JWKS on a free loopback port, whose endpoints a test can make fail. */
export interface IssuerServer {
  readonly issuer: string;
  /** How the JWKS endpoint answers: the keys (the default), another status, a 200 that is not JSON or is JSON but no key set, or never. */
  jwksAnswer: 'keys' | 'not-json' | 'not-keys' | FailingAnswer;
  /** How discovery answers: the metadata (the default), another status, or never. */
  discoveryAnswer: 'metadata' | FailingAnswer;
  /** Fields of the discovery document that differ from the true ones (another `issuer` or `jwks_uri`). */
  metadata: Record<string, unknown>;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  /** How many times discovery was fetched. */
  readonly discoveryFetches: number;
  /** Resolves once a request is left hanging (at once if one is). */
  hanging(): Promise<void>;
  /** Answers every request left hanging with this status. */
  releaseHung(status: number): void;
  close(): Promise<void>;
}
/** A minimal OpenID provider for the suite: an {@link IssuerServer} and a signer of logout tokens. */
export interface TestIssuer extends IssuerServer {
  readonly clientId: string;
  /** A logout token for the suite's client, with `claims` added (or replacing the defaults, `iat` too). */
  logoutToken(claims?: Record<string, unknown>): Promise<string>;
  /** A Universal Logout bearer for `audience`, valid five minutes, with `claims` added (or replacing the defaults). */
  revocationBearer(audience: string, claims?: Record<string, unknown>): Promise<string>;
  /** A Security Event Token (`secevent+jwt`, for {@link SUITE_SET_AUDIENCE}): one event of `type` about `subject`, with `claims` added. */
  securityEventToken(type: string, subject: Record<string, unknown>, claims?: Record<string, unknown>): Promise<string>;
}

/** The audience the suite's app was registered with at its transmitter. */
export const SUITE_SET_AUDIENCE = 'https://app.suite.example';

/** The Universal Logout endpoint's URL as the suite's provider addresses it (`aud` of its bearers). */
export const SUITE_GTR_AUDIENCE = 'https://app.suite.example/sessions/global-token-revocation';

/**
 * Starts an {@link IssuerServer} publishing what `keys()` answers at the time of each request.
 *
 * @param keys - The JWKS's keys.
 * @returns The server; set `jwksAnswer` on it to make the JWKS fail.
 */
export async function serveIssuer(keys: () => readonly JWK[]): Promise<IssuerServer> {
  const hung = new Set<ServerResponse>();
  const waiters: Array<() => void> = [];
  // A plain object the handler reads at each request: a test's `jwksAnswer = 503` takes effect at once.
  const served = {
    issuer: '',
    jwksAnswer: 'keys' as IssuerServer['jwksAnswer'],
    discoveryAnswer: 'metadata' as IssuerServer['discoveryAnswer'],
    metadata: {} as Record<string, unknown>,
    jwksFetches: 0,
    discoveryFetches: 0,
    hanging: () => (hung.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => void waiters.push(resolve))),
    releaseHung(status: number) {
      for (const response of hung) response.writeHead(status, { 'content-type': 'text/plain' }).end('unavailable');
      hung.clear();
    },
    close: () => Promise.resolve(),
  };
  const fail = (response: ServerResponse, answer: FailingAnswer): void => {
    if (answer === 'hang') {
      hung.add(response);
      for (const resolve of waiters.splice(0)) resolve();
    } else response.writeHead(answer, { 'content-type': 'text/plain' }).end('unavailable');
  };
  const server = createServer(function testIssuer(request, response) {
    if (request.url === '/.well-known/openid-configuration') {
      served.discoveryFetches += 1;
      const answer = served.discoveryAnswer;
      if (answer !== 'metadata') return fail(response, answer);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: served.issuer, jwks_uri: `${served.issuer}/jwks`, ...served.metadata }));
      return;
    }
    // Any query: a test can name the same keys at another URL.
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/jwks') return void response.writeHead(404).end();
    served.jwksFetches += 1;
    const answer = served.jwksAnswer;
    if (answer === 'keys') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
    else if (answer === 'not-json') response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
    else if (answer === 'not-keys') response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"none"}');
    else fail(response, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  served.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return served;
}

/** Starts a {@link TestIssuer} on a free loopback port. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const keys = [{ ...(await exportJWK(publicKey)), kid: 'suite', alg: 'ES256', use: 'sig' }];
  const served = await serveIssuer(() => keys);
  const clientId = 'suite-client';
  const signed = (typ: string, payload: Record<string, unknown>) => new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ, kid: 'suite' });
  const seconds = () => Math.floor(Date.now() / 1000);
  return Object.assign(served, {
    clientId,
    logoutToken: (claims: Record<string, unknown> = {}) =>
      signed('logout+jwt', { jti: crypto.randomUUID(), events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims })
        .setIssuer(served.issuer)
        .setAudience(clientId)
        // A caller's iat stays: setIssuedAt() would replace it with now.
        .setIssuedAt(typeof claims['iat'] === 'number' ? claims['iat'] : undefined)
        .sign(privateKey),
    revocationBearer: (audience: string, claims: Record<string, unknown> = {}) =>
      signed('JWT', { jti: crypto.randomUUID(), iss: served.issuer, aud: audience, iat: seconds(), exp: seconds() + 300, ...claims }).sign(privateKey),
    securityEventToken: (type: string, subject: Record<string, unknown>, claims: Record<string, unknown> = {}) =>
      signed('secevent+jwt', { jti: crypto.randomUUID(), iss: served.issuer, aud: SUITE_SET_AUDIENCE, iat: seconds(), sub_id: subject, events: { [type]: {} }, ...claims }).sign(privateKey),
  });
}
