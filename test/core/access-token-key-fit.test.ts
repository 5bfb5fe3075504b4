import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';

// A key pair of another curve than its algorithm's is refused when the manager is created: left
// to the first token, every sign-in's issueAccessToken fails and every genuine token is refused.
function startup(accessTokens: CreateSessionManagerOptions['accessTokens']): unknown {
  try {
    createSessionManager({ store: memoryStore(), accessTokens });
    return 'created';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

describe('a key that does not fit its algorithm is refused at startup', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('a P-256 public key under the default EdDSA (a verify-only service that forgot alg)', () => {
    expect(startup({ publicKey: ec.publicKey })).toEqual({ code: 'INVALID_CONFIGURATION', message: 'The EdDSA publicKey is a key of P-256, not Ed25519 (alg "ES256" takes it).' });
  });

  it('an Ed25519 pair, as KeyObjects, JWKs or CryptoKeys, labelled ES256', async () => {
    const expected = { code: 'INVALID_CONFIGURATION', message: 'The ES256 publicKey is a key of Ed25519, not P-256 (alg "EdDSA" takes it).' };
    expect(startup({ alg: 'ES256', privateKey: ed.privateKey, publicKey: ed.publicKey })).toEqual(expected);
    expect(startup({ keys: [{ alg: 'ES256', publicKey: ed.publicKey.export({ format: 'jwk' }) }] })).toEqual({ ...expected });
    const pair = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    expect(startup({ alg: 'ES256', privateKey: pair.privateKey, publicKey: pair.publicKey })).toEqual(expected);
  });

  it('a private key of another curve than its public key, and RSA or P-384 keys', () => {
    expect(startup({ alg: 'ES256', privateKey: p384.privateKey, publicKey: ec.publicKey })).toEqual({ code: 'INVALID_CONFIGURATION', message: 'The ES256 privateKey is a key of P-384, not P-256.' });
    expect(startup({ alg: 'ES256', publicKey: rsa.publicKey })).toEqual({ code: 'INVALID_CONFIGURATION', message: 'The ES256 publicKey is a key of rsa, not P-256.' });
  });

  it('keys that fit still sign and verify', async () => {
    for (const accessTokens of [{ alg: 'ES256', privateKey: ec.privateKey, publicKey: ec.publicKey }, { privateKey: ed.privateKey, publicKey: ed.publicKey }] as const) {
      const sessions = createSessionManager({ store: memoryStore(), accessTokens });
      const { session } = await sessions.create({ userId: 'u1' });
      expect((await sessions.verifyAccessToken(await sessions.issueAccessToken(session))).ok).toBe(true);
    }
  });
});
