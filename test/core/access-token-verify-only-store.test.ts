import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';

function startup(options: CreateSessionManagerOptions): unknown {
  try {
    createSessionManager(options);
    return 'created';
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

// A service that only verifies (no private key) sees revocations only through the issuer's store.
// Left on a memory store of its own, it accepted a token of a signed-out user until the token expired.
describe('a verify-only manager', () => {
  const pair = generateKeyPairSync('ed25519');

  it('without the store option is refused at startup, for a public key or a keys list of public keys', () => {
    const refused = {
      code: 'INVALID_CONFIGURATION',
      message:
        'accessTokens without a private key or secret only verifies the tokens another service mints: give this manager that service\'s store (the store option), or it never sees their revocations and accepts a revoked token until it expires.',
    };
    expect(startup({ accessTokens: { publicKey: pair.publicKey } })).toEqual(refused);
    expect(startup({ accessTokens: { keys: [{ alg: 'EdDSA', publicKey: pair.publicKey.export({ format: 'jwk' }) }] } })).toEqual(refused);
  });

  it("on the issuer's store it starts and refuses a signed-out user's token", async () => {
    const store = memoryStore();
    const issuer = createSessionManager({ store, accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey } });
    const verifier = createSessionManager({ store, epochCacheTtl: 0, accessTokens: { publicKey: pair.publicKey } });
    const { session } = await issuer.create({ userId: 'u' });
    const jwt = await issuer.issueAccessToken(session);
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    await issuer.revokeAll('u');
    expect(await verifier.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a manager that signs may keep its own memory store (one process)', () => {
    expect(startup({ accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey } })).toBe('created');
    expect(startup({ accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } })).toBe('created');
    expect(startup({ accessTokens: { keys: [{ alg: 'HS256', secret: 'a-test-secret-of-at-least-32-bytes!!' }] } })).toBe('created');
  });
});
