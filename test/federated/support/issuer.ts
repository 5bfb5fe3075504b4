import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

// A provider of our own on 127.0.0.1: discovery and a JWKS, so tokens are signed with keys we
// hold and the JWKS endpoint can be made to fail (the real provider's end-to-end test is in
// oidc-provider.test.ts).

/** The back-channel logout event every logout token carries. */
export const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

/** How a test wants one logout token to differ from a valid one. */
export interface TokenShape {
  readonly claims?: Record<string, unknown>;
  readonly drop?: readonly string[];
  readonly header?: Record<string, unknown>;
  readonly signWith?: CryptoKey;
}

export interface HomeIssuer {
  readonly issuer: string;
  readonly clientId: string;
  /** How the JWKS endpoint answers: the keys, another status, or a 200 that is not JSON. */
  jwksAnswer: 'keys' | 'not-json' | number;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  /** A key of no one's: signatures with it never verify. */
  readonly otherKey: CryptoKey;
  /** Publishes a new signing key; the next tokens are signed with it and name its kid. */
  publishKey(): Promise<void>;
  /** A valid logout token for `clientId` (sid-1, sub alice), changed as `shape` says. */
  logoutToken(shape?: TokenShape): Promise<string>;
  /** An unsigned token (alg none), which jose refuses to make. */
  unsigned(): string;
  close(): Promise<void>;
}

/** Starts a {@link HomeIssuer} with one published key (and one unused one) on a free port. */
export async function startHomeIssuer(clientId = 'app-client'): Promise<HomeIssuer> {
  const unused: JWK = { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'unused', alg: 'RS256', use: 'sig' };
  const keys: JWK[] = [unused];
  let signingKey: CryptoKey | undefined;
  let jwksFetches = 0;
  const state: { jwksAnswer: HomeIssuer['jwksAnswer'] } = { jwksAnswer: 'keys' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (request.url === '/jwks') {
      jwksFetches += 1;
      const answer = state.jwksAnswer;
      if (answer === 'keys') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
      else if (answer === 'not-json') response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Maintenance</h1>');
      else response.writeHead(answer, { 'content-type': 'text/plain' }).end('unavailable');
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const otherKey = (await generateKeyPair('RS256')).privateKey;
  const publishKey = async (): Promise<void> => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: `k${keys.length}`, alg: 'RS256', use: 'sig' });
  };
  await publishKey();
  return {
    issuer,
    clientId,
    get jwksAnswer() {
      return state.jwksAnswer;
    },
    set jwksAnswer(answer) {
      state.jwksAnswer = answer;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    otherKey,
    publishKey,
    async logoutToken({ claims = {}, drop = [], header = {}, signWith }: TokenShape = {}) {
      const payload: Record<string, unknown> = { iss: issuer, aud: clientId, jti: crypto.randomUUID(), sid: 'sid-1', sub: 'alice', events: EVENT, ...claims };
      for (const name of drop) delete payload[name];
      const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt', kid: keys.at(-1)!.kid!, ...header } as never);
      if (!drop.includes('iat') && claims['iat'] === undefined) jwt.setIssuedAt();
      return jwt.sign(signWith ?? signingKey!);
    },
    unsigned() {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none', typ: 'logout+jwt' })}.${part({ iss: issuer, aud: clientId, iat: Math.floor(Date.now() / 1000), jti: 'n', sid: 'sid-1', events: EVENT })}.`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
