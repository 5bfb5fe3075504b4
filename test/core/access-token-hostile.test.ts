import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TYPE, createSessionManager, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';
import { TestClock } from '../support/clock.js';

// Order of the P-256 group: (r, n - s) is a second valid ECDSA signature of the same message.
const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

function setup(accessTokens: CreateSessionManagerOptions['accessTokens']) {
  const clock = new TestClock();
  return createSessionManager({ store: memoryStore(), clock: clock.read, epochCacheTtl: 0, accessTokens });
}

/** The same signature bytes written with other trailing bits in the last base64url character. */
function reencodedSignature(jwt: string): string[] {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(signature.at(-1)!);
  const bytes = Buffer.from(signature, 'base64url');
  const twins: string[] = [];
  for (let low = 1; low < 16; low++) {
    const other = `${signature.slice(0, -1)}${alphabet[(last & ~15) | low]}`;
    if (other !== signature && Buffer.from(other, 'base64url').equals(bytes)) twins.push(`${header}.${payload}.${other}`);
  }
  return twins;
}

/** The high-S (or low-S) twin of an ES256 JWT: another valid signature of the same claims. */
function highSTwin(jwt: string): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const twinS = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), twinS]).toString('base64url')}`;
}

describe('access tokens whose bytes differ from the revoked one', () => {
  it('refuses a revoked EdDSA token whatever the encoding of its signature or padding', async () => {
    const pair = generateKeyPairSync('ed25519');
    const sessions = setup({ privateKey: pair.privateKey, publicKey: pair.publicKey, alg: 'EdDSA' });
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    const twins = reencodedSignature(jwt);
    expect(twins.length).toBeGreaterThan(0);
    // Before the revocation the re-encoded twins are the same token to the verifier, or refused.
    for (const twin of twins) {
      const result = await sessions.verifyAccessToken(twin);
      expect(result.ok ? result.claims.sid : result.reason).toMatch(new RegExp(`^(${session.id}|invalid_signature|malformed)$`));
    }
    await sessions.revoke(session.id);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    const padded = jwt.split('.').map((part) => `${part}${'='.repeat((4 - (part.length % 4)) % 4)}`).join('.');
    for (const variant of [...twins, padded, `${jwt}=`, `${jwt}==`, jwt.replace(/-/g, '+').replace(/_/g, '/')]) {
      expect((await sessions.verifyAccessToken(variant)).ok).toBe(false);
    }
  });

  it('refuses the high-S twin of a revoked ES256 token, by the session, not by the bytes', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sessions = setup({ privateKey: pair.privateKey, publicKey: pair.publicKey, alg: 'ES256' });
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    const twin = highSTwin(jwt);
    expect(twin).not.toBe(jwt);
    // The twin is a valid signature: accepted while the session is live...
    const before = await sessions.verifyAccessToken(twin);
    expect(before.ok && before.claims.sid).toBe(session.id);
    await sessions.revoke(session.id);
    // ...and refused with it once the session is revoked, by revoke() and by revokeAll().
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.verifyAccessToken(twin)).toEqual({ ok: false, reason: 'revoked' });
    const other = await sessions.create({ userId: 'v' });
    const otherJwt = await sessions.issueAccessToken(other.session);
    await sessions.revokeAll('v');
    expect(await sessions.verifyAccessToken(highSTwin(otherJwt))).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses an HS256 token signed with the bytes of the configured public key', async () => {
    for (const [alg, pair] of [
      ['EdDSA', generateKeyPairSync('ed25519')],
      ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ] as const) {
      const sessions = setup({ privateKey: pair.privateKey, publicKey: pair.publicKey, alg });
      const { session } = await sessions.create({ userId: 'u' });
      const claims = decodeJwt(await sessions.issueAccessToken(session));
      const publicBytes = [
        pair.publicKey.export({ type: 'spki', format: 'pem' }),
        pair.publicKey.export({ type: 'spki', format: 'der' }),
        Buffer.from(JSON.stringify(pair.publicKey.export({ format: 'jwk' }))),
        Buffer.from(JSON.stringify(await sessions.accessTokenJwks())),
      ];
      for (const bytes of publicBytes) {
        const key = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
        const forged = await new SignJWT({ ...claims, sub: 'admin' }).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(key);
        expect(await sessions.verifyAccessToken(forged)).toEqual({ ok: false, reason: 'unsupported' });
      }
    }
  });
});
