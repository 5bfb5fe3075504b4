import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from '../../src/access-tokens/verified-cache.js';
import { ACCESS_TOKEN_TYPE, createSessionManager, isSessionError, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';
import { TestClock } from '../support/clock.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const OTHER_SECRET = 'another-secret-of-at-least-32-bytes!';
const bytes = (text: string) => new TextEncoder().encode(text);

function setup(accessTokens: CreateSessionManagerOptions['accessTokens'] = { secret: SECRET }) {
  const clock = new TestClock(1_700_000_000_000);
  const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, epochCacheTtl: 0, accessTokens });
  return { clock, sessions };
}

function configError(accessTokens: CreateSessionManagerOptions['accessTokens']): string | undefined {
  try {
    createSessionManager({ accessTokens });
  } catch (error) {
    return isSessionError(error) && error.code === 'INVALID_CONFIGURATION' ? error.message : `unexpected: ${String(error)}`;
  }
  return undefined;
}

/** Signs `claims` as an access token with an HS256 secret, for claims the manager never issues. */
const signHs = (claims: Record<string, unknown>, secret = SECRET, header: Record<string, unknown> = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE, ...header }).sign(bytes(secret));

describe('access-token verification, case by case', () => {
  it('answers missing for no token and malformed for anything that is not one', async () => {
    const { sessions } = setup();
    for (const value of [undefined, null, '']) expect(await sessions.verifyAccessToken(value)).toEqual({ ok: false, reason: 'missing' });
    for (const value of [7, ['a.b.c'], 'a.b.c', 'a.b.c.d.e']) expect(await sessions.verifyAccessToken(value)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('looks at tokens of at most 8 KiB', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const claims = decodeJwt(await sessions.issueAccessToken(session));
    const sized = async (length: number) => {
      for (let pad = 0; pad < length; pad++) {
        const jwt = await signHs({ ...claims, pad: 'x'.repeat(length - 400 - pad) });
        if (jwt.length === length) return jwt;
      }
      throw new Error(`no token of length ${length}`);
    };
    const longest = await sized(8192);
    expect((await sessions.verifyAccessToken(longest)).ok).toBe(true);
    expect(await sessions.verifyAccessToken(await sized(8193))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a signed payload that is not a claims object as malformed', async () => {
    const { sessions } = setup();
    const jws = await new CompactSign(bytes('not json')).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(bytes(SECRET));
    expect(await sessions.verifyAccessToken(jws)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses claims of the wrong type or shape as invalid_claims', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const good = decodeJwt(await sessions.issueAccessToken(session));
    expect((await sessions.verifyAccessToken(await signHs(good))).ok).toBe(true);
    const changes: Record<string, unknown>[] = [
      { sub: '' },
      { sub: 5 },
      { sid: 'not-a-session-id' },
      { sid: [session.id] },
      { kind: 5 },
      { sct: 1.5 },
      { sct: String(session.createdAt) },
      { sct: Number.MAX_SAFE_INTEGER + 2 },
      { jti: 5 },
      { iat: 'now' },
    ];
    for (const change of changes) {
      const result = await sessions.verifyAccessToken(await signHs({ ...good, ...change }));
      expect({ change, result }).toEqual({ change, result: { ok: false, reason: 'invalid_claims' } });
    }
  });

  it('refuses a token that expired before it was ever seen, and a remembered one at expiry + tolerance', async () => {
    const { sessions, clock } = setup({ secret: SECRET, ttl: 60_000, clockTolerance: 5_000 });
    const { session } = await sessions.create({ userId: 'u' });
    const unseen = await sessions.issueAccessToken(session);
    const seen = await sessions.issueAccessToken(session);
    const exp = decodeJwt(seen).exp! * 1000;
    clock.set(exp - 1_000);
    expect((await sessions.verifyAccessToken(seen)).ok).toBe(true);
    clock.set(exp + 4_999);
    expect((await sessions.verifyAccessToken(seen)).ok).toBe(true);
    clock.set(exp + 5_000);
    expect(await sessions.verifyAccessToken(seen)).toEqual({ ok: false, reason: 'expired' });
    clock.set(exp + 10_000);
    expect(await sessions.verifyAccessToken(unseen)).toEqual({ ok: false, reason: 'expired' });
  });

  it('honours a deny-list entry until its end plus the clock tolerance', async () => {
    const { sessions, clock } = setup({ secret: SECRET, clockTolerance: 5_000 });
    const { session } = await sessions.create({ userId: 'u' });
    const claims = decodeJwt(await sessions.issueAccessToken(session));
    await sessions.revoke(session.id);
    const until = (await sessions.store.readUser('u')).denied[session.id]!;
    // A token that outlives the entry (signed here: the manager never issues one that long).
    const jwt = await signHs({ ...claims, exp: Math.floor(until / 1000) + 3_600 });
    // The epoch check must not decide here: only the deny-list entry refuses this token.
    clock.set(until + 4_999);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    clock.set(until + 5_000);
    expect(await sessions.verifyAccessToken(jwt)).not.toEqual({ ok: false, reason: 'revoked' });
  });

  it('picks the key by kid among keys of the header algorithm, and tries each key without a kid', async () => {
    const rotated = setup({ keys: [{ alg: 'HS256', kid: 'k2', secret: OTHER_SECRET }, { alg: 'HS256', kid: 'k1', secret: SECRET }] });
    const { session } = await rotated.sessions.create({ userId: 'u' });
    const claims = decodeJwt(await rotated.sessions.issueAccessToken(session));
    expect((await rotated.sessions.verifyAccessToken(await signHs(claims, SECRET, { kid: 'k1' }))).ok).toBe(true);
    expect(await rotated.sessions.verifyAccessToken(await signHs(claims, SECRET, { kid: 'k2' }))).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(await rotated.sessions.verifyAccessToken(await signHs(claims, SECRET, { kid: 'k3' }))).toEqual({ ok: false, reason: 'invalid_signature' });
    expect((await rotated.sessions.verifyAccessToken(await signHs(claims, SECRET))).ok).toBe(true);

    const pair = generateKeyPairSync('ed25519');
    const mixed = setup({ secret: SECRET, privateKey: pair.privateKey, publicKey: pair.publicKey });
    const mixedSession = (await mixed.sessions.create({ userId: 'u' })).session;
    const mixedClaims = decodeJwt(await mixed.sessions.issueAccessToken(mixedSession));
    const eddsa = await new SignJWT(mixedClaims).setProtectedHeader({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE }).sign(pair.privateKey);
    expect((await mixed.sessions.verifyAccessToken(eddsa)).ok).toBe(true);
  });

  it('refuses to issue for anything but a session', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    for (const bad of [undefined, {}, { ...session, id: 'short' }, { ...session, userId: 5 }]) {
      await expect(sessions.issueAccessToken(bad as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'issueAccessToken needs a session from create() or validate().' });
    }
    // Well-formed, but not a live session of that user in the store.
    for (const absent of [{ ...session, userId: 'someone else' }, { ...session, id: 'AAAAAAAAAAAAAAAAAAAAAA' }]) {
      await expect(sessions.issueAccessToken(absent)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'issueAccessToken: this session is not live in the store.' });
    }
  });

  it('bounds lifetimes and tolerance, inclusive', async () => {
    expect(configError({ secret: SECRET, ttl: 1_000 })).toBeUndefined();
    expect(configError({ secret: SECRET, ttl: 999 })).toMatch(/accessTokens.ttl must be between 1000 and/);
    expect(configError({ secret: SECRET, clockTolerance: 60_000 })).toBeUndefined();
    expect(configError({ secret: SECRET, clockTolerance: 60_001 })).toMatch(/clockTolerance must be between 0 and 60000 ms/);
    expect(configError({ secret: SECRET, clockTolerance: 0 })).toBeUndefined();
    for (const ttl of [Number.NaN, Number.POSITIVE_INFINITY, '5000' as unknown as number]) expect(configError({ secret: SECRET, ttl })).toMatch(/ttl must be/);
    expect(configError({ secret: SECRET, ttl: 10_000, maxTtl: 10_000 })).toBeUndefined();
    expect(configError({ secret: SECRET, ttl: 10_000, maxTtl: 9_999 })).toMatch(/maxTtl/);
    // A ttl above the default maxTtl raises the default maxTtl with it.
    expect(configError({ secret: SECRET, ttl: 7_200_000 })).toBeUndefined();
    const { sessions } = setup({ secret: SECRET, ttl: 5_000, maxTtl: 10_000 });
    const { session } = await sessions.create({ userId: 'u' });
    await expect(sessions.issueAccessToken(session, { ttl: 10_001 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'ttl must be between 1000 and 10000 ms.' });
    expect(decodeJwt(await sessions.issueAccessToken(session, { ttl: 10_000 })).exp! - decodeJwt(await sessions.issueAccessToken(session, { ttl: 1_000 })).exp!).toBe(9);
  });

  it('keeps deny-list entries for the longest lifetime plus twice the largest tolerance any instance may have', async () => {
    const { sessions, clock } = setup({ secret: SECRET, ttl: 5_000, maxTtl: 100_000, clockTolerance: 1_000 });
    const { session } = await sessions.create({ userId: 'u' });
    await sessions.revoke(session.id);
    expect((await sessions.store.readUser('u')).denied[session.id]).toBe(clock.now + 100_000 + 2 * 60_000);
  });

  it("a revocation on an instance without accessTokens refuses the issuer's tokens however long their maxTtl, until the row's expiry", async () => {
    const clock = new TestClock(1_700_000_000_000);
    const store = memoryStore();
    const api = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret: SECRET, ttl: 86_400_000 } });
    const web = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, maxAge: 3 * 86_400_000 });
    const { session } = await web.create({ userId: 'u' });
    const token = await api.issueAccessToken(session);
    expect(await web.revoke(session.id)).toBe(true);
    clock.advance(2 * 3_600_000);
    expect(await api.verifyAccessToken(token)).toMatchObject({ ok: false });
    clock.advance(20 * 3_600_000);
    expect(await api.verifyAccessToken(token)).toMatchObject({ ok: false });
    expect((await store.readUser('u')).denied[session.id]).toBe(session.expiresAt + 120_000);
  });
});

describe('access-token keys', () => {
  it('refuses each kind of bad key with a message that says what is wrong', () => {
    const pair = generateKeyPairSync('ed25519');
    expect(configError({ keys: [] })).toBe('accessTokens needs a secret, a key pair or a non-empty keys list.');
    expect(configError({ keys: [{ alg: 'RS256' as never, secret: SECRET }] })).toBe('Access-token algorithm "RS256" is not allowed (HS256, EdDSA, ES256).');
    expect(configError({ keys: [{ alg: 'HS256' }] })).toBe('An HS256 access-token key needs a secret.');
    expect(configError({ secret: 'x'.repeat(32) })).toBeUndefined();
    expect(configError({ secret: new Uint8Array(32) })).toBeUndefined();
    expect(configError({ secret: 'x'.repeat(31) })).toBe('The HS256 access-token secret must be at least 32 bytes.');
    expect(configError({ secret: new Uint8Array(31) })).toBe('The HS256 access-token secret must be at least 32 bytes.');
    expect(configError({ keys: [{ alg: 'HS256', secret: SECRET, publicKey: pair.publicKey }] })).toBe('An HS256 key takes a secret, not a key pair.');
    expect(configError({ keys: [{ alg: 'HS256', secret: SECRET, privateKey: pair.privateKey }] })).toBe('An HS256 key takes a secret, not a key pair.');
    expect(configError({ keys: [{ alg: 'EdDSA', secret: SECRET, publicKey: pair.publicKey }] })).toBe('An EdDSA key takes a key pair, not a secret.');
    expect(configError({ keys: [{ alg: 'ES256', privateKey: pair.privateKey }] })).toBe('An ES256 access-token key needs a publicKey.');
    expect(configError({ privateKey: pair.privateKey })).toBe('An EdDSA access-token key needs a publicKey.');
    expect(configError({ keys: [{ alg: 'HS256', kid: 'a', secret: SECRET }, { alg: 'HS256', kid: 'a', secret: OTHER_SECRET }] })).toBe('Two access-token keys share kid "a".');
    expect(configError({ keys: [{ alg: 'HS256', kid: 'a', secret: SECRET }, { alg: 'HS256', kid: 'b', secret: OTHER_SECRET }] })).toBeUndefined();
  });

  it('refuses a private key given as the public key when first used', async () => {
    const pair = generateKeyPairSync('ed25519');
    const { sessions } = setup({ privateKey: pair.privateKey, publicKey: pair.privateKey });
    await expect(sessions.accessTokenJwks()).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: 'The EdDSA publicKey is a private key.' });
  });

  it('refuses a private JWK given as the public key with INVALID_CONFIGURATION, not a TypeError', async () => {
    const pair = generateKeyPairSync('ed25519');
    const { sessions } = setup({ privateKey: pair.privateKey, publicKey: await exportJWK(pair.privateKey) });
    await expect(sessions.accessTokenJwks()).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: 'The EdDSA publicKey cannot be exported as a public JWK.' });
  });

  it('verifies with a public key alone, as a JWK or a key object, defaulting to EdDSA', async () => {
    const pair = generateKeyPairSync('ed25519');
    const issuer = setup({ privateKey: pair.privateKey, publicKey: pair.publicKey });
    const { session } = await issuer.sessions.create({ userId: 'u' });
    const jwt = await issuer.sessions.issueAccessToken(session);
    expect(decodeProtectedHeader(jwt).alg).toBe('EdDSA');
    for (const publicKey of [pair.publicKey, await exportJWK(pair.publicKey)]) {
      const verifier = createSessionManager({ store: issuer.sessions.store, clock: issuer.clock.read, epochCacheTtl: 0, accessTokens: { publicKey } });
      expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
      await expect(verifier.issueAccessToken(session)).rejects.toMatchObject({
        code: 'INVALID_CONFIGURATION',
        message: 'No private key configured: this service can only verify access tokens.',
      });
    }
  });

  it('accepts WebCrypto keys', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const { sessions } = setup({ privateKey: pair.privateKey, publicKey: pair.publicKey });
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'EdDSA', typ: 'session-access+jwt' });
    expect(ACCESS_TOKEN_TYPE).toBe('session-access+jwt');
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
  });

  it('names keys by a hash of the key when no kid is given, and publishes only public keys', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = await exportJWK(pair.publicKey);
    const { sessions } = setup({ keys: [{ alg: 'ES256', privateKey: pair.privateKey, publicKey: pair.publicKey }, { alg: 'HS256', secret: SECRET }] });
    const { createHash } = await import('node:crypto');
    const kid = `es256-${createHash('sha256').update(JSON.stringify([jwk.crv, jwk.x, jwk.y])).digest('base64url').slice(0, 16)}`;
    expect(await sessions.accessTokenJwks()).toEqual({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] });
    const { session } = await sessions.create({ userId: 'u' });
    expect(decodeProtectedHeader(await sessions.issueAccessToken(session)).kid).toBe(kid);
    const hs = setup({ secret: SECRET });
    const hsSession = (await hs.sessions.create({ userId: 'u' })).session;
    const hsKid = `hs-${createHash('sha256').update(SECRET).digest('base64url').slice(0, 16)}`;
    expect(decodeProtectedHeader(await hs.sessions.issueAccessToken(hsSession)).kid).toBe(hsKid);
  });
});

describe('the verified-token cache', () => {
  it('remembers a token until just before its end', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('a', 'claims', 100);
    expect(cache.get('a', 99)).toBe('claims');
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.get('a', 50)).toBeUndefined();
    expect(cache.get('b', 0)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest first, and nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    expect(cache.get('a', 0)).toBe(1);
    cache.set('c', 3, 100);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, 2, 3]);
    const none = new VerifiedTokenCache<number>(0);
    none.set('a', 1, 100);
    expect(none.get('a', 0)).toBeUndefined();
    const one = new VerifiedTokenCache<number>(1);
    one.set('a', 1, 100);
    expect(one.get('a', 0)).toBe(1);
  });
});
