import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';

// A symmetric key given as an EdDSA or ES256 publicKey (a KeyObject from createSecretKey, or an
// `oct` JWK) is a mistake of configuration, like a private key there: refused, never published in
// the key set, where a secret shared with an HS256 service would be read by anyone.
async function jwksOrError(accessTokens: CreateSessionManagerOptions['accessTokens']): Promise<unknown> {
  try {
    const sessions = createSessionManager({ store: memoryStore(), accessTokens });
    return await sessions.accessTokenJwks();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

describe('JWKS never carries a symmetric secret', () => {
  it('a secret KeyObject given as an ES256 publicKey is refused, never published', async () => {
    const secret = randomBytes(32);
    const answer = await jwksOrError({ alg: 'ES256', publicKey: createSecretKey(secret) });
    expect(JSON.stringify(answer)).not.toContain(secret.toString('base64url'));
    expect(answer).toEqual({ code: 'INVALID_CONFIGURATION', message: 'The ES256 publicKey is a secret key.' });
  });

  it('an oct JWK given as an EdDSA publicKey in a rotation list is refused, never published', async () => {
    const secret = randomBytes(32);
    const answer = await jwksOrError({ keys: [{ alg: 'EdDSA', kid: 'k1', publicKey: { kty: 'oct', k: secret.toString('base64url') } }] });
    expect(JSON.stringify(answer)).not.toContain(secret.toString('base64url'));
    expect(answer).toEqual({ code: 'INVALID_CONFIGURATION', message: 'The EdDSA publicKey is a secret key.' });
  });
});
