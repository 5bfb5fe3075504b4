import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { serveIssuer, type IssuerServer } from '../../../src/testing/framework/test-issuer.js';

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

export interface HomeIssuer extends IssuerServer {
  readonly clientId: string;
  /** A key of no one's: signatures with it never verify. */
  readonly otherKey: CryptoKey;
  /** Publishes a new signing key; the next tokens are signed with it and name its kid. */
  publishKey(): Promise<void>;
  /** A valid logout token for `clientId` (sid-1, sub alice), changed as `shape` says. */
  logoutToken(shape?: TokenShape): Promise<string>;
  /** An unsigned token (alg none), which jose refuses to make. */
  unsigned(): string;
}

/** Starts a {@link HomeIssuer} with one published key (and one unused one) on a free port. */
export async function startHomeIssuer(clientId = 'app-client'): Promise<HomeIssuer> {
  const unused: JWK = { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), kid: 'unused', alg: 'RS256', use: 'sig' };
  const keys: JWK[] = [unused];
  let signingKey: CryptoKey | undefined;
  const served = await serveIssuer(() => keys);
  const { issuer } = served;
  const otherKey = (await generateKeyPair('RS256')).privateKey;
  const publishKey = async (): Promise<void> => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    keys.push({ ...(await exportJWK(pair.publicKey)), kid: `k${keys.length}`, alg: 'RS256', use: 'sig' });
  };
  await publishKey();
  return Object.assign(served, {
    clientId,
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
  });
}
