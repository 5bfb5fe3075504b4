import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** A minimal OpenID provider for the suite: discovery and a JWKS on 127.0.0.1, and a signer of logout tokens. */
export interface TestIssuer {
  readonly issuer: string;
  readonly clientId: string;
  /** A logout token for the suite's client, with `claims` added (or replacing the defaults, `iat` too). */
  logoutToken(claims?: Record<string, unknown>): Promise<string>;
  /** How the JWKS endpoint answers: the keys (the default), another status, or a 200 that is not JSON. */
  jwksAnswer: 'keys' | 'not-json' | number;
  close(): Promise<void>;
}

/** Starts a {@link TestIssuer} on a free loopback port. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'suite', alg: 'ES256', use: 'sig' }] };
  let issuer = '';
  const state: { jwksAnswer: TestIssuer['jwksAnswer'] } = { jwksAnswer: 'keys' };
  const server = createServer(function testIssuer(request, response) {
    const { jwksAnswer } = state;
    if (request.url === '/jwks' && jwksAnswer === 'not-json') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
    if (request.url === '/jwks' && typeof jwksAnswer === 'number') return void response.writeHead(jwksAnswer).end();
    const body = request.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/jwks` } : request.url === '/jwks' ? jwks : undefined;
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'suite-client';
  return {
    issuer,
    clientId,
    get jwksAnswer() {
      return state.jwksAnswer;
    },
    set jwksAnswer(answer) {
      state.jwksAnswer = answer;
    },
    logoutToken: (claims = {}) =>
      new SignJWT({ jti: crypto.randomUUID(), events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid: 'suite' })
        .setIssuer(issuer)
        .setAudience(clientId)
        // A caller's iat stays: setIssuedAt() would replace it with now.
        .setIssuedAt(typeof claims['iat'] === 'number' ? claims['iat'] : undefined)
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
