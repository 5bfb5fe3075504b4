import { generateKeyPairSync } from 'node:crypto';
import { base64url, decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TYPE, createSessionManager, isSessionError, memoryStore, type CreateSessionManagerOptions } from '../../src/index.js';
import { instrument } from '../support/counting-store.js';
import { MINUTE, TestClock } from '../support/clock.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function setup(options: Partial<CreateSessionManagerOptions> = {}) {
  const clock = new TestClock();
  const store = instrument(memoryStore());
  const sessions = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret: SECRET }, ...options });
  return { clock, store, sessions };
}

describe('access tokens', () => {
  it('carries sub, sid, kind, iat, exp, jti and the createdAt in ms', async () => {
    const { sessions, clock } = setup();
    const { session } = await sessions.create({ userId: 'u', tenantId: 't' });
    const jwt = await sessions.issueAccessToken(session);
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ sub: 'u', sid: session.id, kind: 'browser', sct: session.createdAt, tid: 't' });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.iat).toBe(Math.floor(clock.now / 1000));
    expect(typeof claims.jti).toBe('string');
    const result = await sessions.verifyAccessToken(jwt);
    expect(result.ok && result.claims.sid).toBe(session.id);
  });

  it('is refused after its session is revoked by an instance without the accessTokens option', async () => {
    const clock = new TestClock();
    const store = memoryStore();
    const api = createSessionManager({ store, clock: clock.read, epochCacheTtl: 0, accessTokens: { secret: SECRET } });
    const admin = createSessionManager({ store, clock: clock.read });
    const { session } = await api.create({ userId: 'u' });
    const other = await api.create({ userId: 'u', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0' });
    const jwt = await api.issueAccessToken(session);
    const otherJwt = await api.issueAccessToken(other.session);
    expect(await admin.revoke(session.id)).toBe(true);
    expect(await api.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    await admin.revokeOthers('u', session.id);
    expect(await api.verifyAccessToken(otherJwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses epoch-cache options that are not a duration or a count', () => {
    for (const epochCacheTtl of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSessionManager({ epochCacheTtl, accessTokens: { secret: SECRET } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    }
    for (const epochCacheSize of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSessionManager({ epochCacheSize, accessTokens: { secret: SECRET } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    }
    expect(() => createSessionManager({ epochCacheTtl: 0, epochCacheSize: 0, accessTokens: { secret: SECRET } })).not.toThrow();
  });

  it('is refused after revokeAll, with a cache TTL of 0 at once', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    await sessions.revokeAll('u');
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('with a cache TTL, another instance sees the revocation within the TTL', async () => {
    const clock = new TestClock();
    const store = memoryStore();
    const shared = { clock: clock.read, accessTokens: { secret: SECRET }, epochCacheTtl: 1_000 };
    const issuer = createSessionManager({ ...shared, store });
    // A store without notifications: the second instance only has its cache TTL.
    const { subscribe: _none, ...silentStore } = store;
    const verifier = createSessionManager({ ...shared, store: silentStore });
    const { session } = await issuer.create({ userId: 'u' });
    const jwt = await issuer.issueAccessToken(session);
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    await issuer.revokeAll('u');
    expect((await issuer.verifyAccessToken(jwt)).ok).toBe(false);
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    clock.advance(1_000);
    expect(await verifier.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('a store that publishes drops cached epochs on every instance at once', async () => {
    const store = memoryStore();
    const a = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
    const b = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
    const { session } = await a.create({ userId: 'u' });
    const jwt = await a.issueAccessToken(session);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revokeAll('u');
    expect(await b.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('drops the whole cache when the store says its subscription may have missed notices', async () => {
    const store = memoryStore();
    let resync: (() => void) | undefined;
    // The subscription delivers nothing, as if it were down, but reports when it is back.
    const flaky = { ...store, subscribe: (_listener: unknown, onResync?: () => void) => ((resync = onResync), () => undefined) };
    const verifier = createSessionManager({ store: flaky, accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
    const issuer = createSessionManager({ store, accessTokens: { secret: SECRET } });
    const { session } = await issuer.create({ userId: 'u' });
    const jwt = await issuer.issueAccessToken(session);
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    await issuer.revokeAll('u');
    expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
    resync!();
    expect(await verifier.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('is refused after revoke(sid) through the deny-list', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const other = await sessions.create({ userId: 'u', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Foo/1.0' });
    const jwt = await sessions.issueAccessToken(session);
    const otherJwt = await sessions.issueAccessToken(other.session);
    await sessions.revoke(session.id);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.verifyAccessToken(otherJwt)).ok).toBe(true);
    expect((await sessions.store.readUser('u')).denied[session.id]).toBeGreaterThan(Date.now());
  });

  it('a token minted in the same second as a revocation, after a fresh sign-in, is accepted', async () => {
    const { sessions, clock } = setup();
    clock.set(Math.floor(clock.now / 1000) * 1000 + 100);
    const old = await sessions.create({ userId: 'u' });
    const oldJwt = await sessions.issueAccessToken(old.session);
    clock.advance(200);
    await sessions.revokeAll('u');
    clock.advance(200);
    const fresh = await sessions.create({ userId: 'u' });
    const freshJwt = await sessions.issueAccessToken(fresh.session);
    expect(decodeJwt(oldJwt).iat).toBe(decodeJwt(freshJwt).iat);
    expect(await sessions.verifyAccessToken(oldJwt)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.verifyAccessToken(freshJwt)).ok).toBe(true);
  });

  it('expires, with a bounded clock tolerance', async () => {
    const { sessions, clock } = setup({ accessTokens: { secret: SECRET, ttl: MINUTE, clockTolerance: 5_000 } });
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    const exp = decodeJwt(jwt).exp! * 1000;
    clock.set(exp + 4_000);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    clock.set(exp + 5_000);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'expired' });
  });

  it("never outlives its session: exp is at most the session's expiry, where no revocation would reach it", async () => {
    const { sessions, clock } = setup({ maxAge: 2 * MINUTE, accessTokens: { secret: SECRET, ttl: 60 * MINUTE, maxTtl: 60 * MINUTE } });
    const { session, token } = await sessions.create({ userId: 'u' });
    clock.advance(MINUTE);
    const jwt = await sessions.issueAccessToken(session);
    expect(decodeJwt(jwt).exp).toBe(Math.floor(session.expiresAt / 1000));
    clock.set(session.expiresAt + 60_000);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses alg none, tampering, wrong typ, issuer, audience, key confusion and encrypted tokens', async () => {
    const { sessions } = setup({ accessTokens: { secret: SECRET, issuer: 'https://id.example', audience: 'api' } });
    const { session } = await sessions.create({ userId: 'u' });
    const good = await sessions.issueAccessToken(session);
    expect((await sessions.verifyAccessToken(good)).ok).toBe(true);
    const claims = decodeJwt(good);
    const key = new TextEncoder().encode(SECRET);
    const [header, payload, signature] = good.split('.');
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: 'admin' }))}.${signature}`;
    const none = new UnsecuredJWT(claims).encode();
    const noTyp = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const otherIssuer = await new SignJWT({ ...claims, iss: 'https://evil.example' }).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(key);
    const otherAudience = await new SignJWT({ ...claims, aud: 'other' }).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(key);
    const { privateKey } = generateKeyPairSync('ed25519');
    const eddsa = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE }).sign(privateKey);
    const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(new TextEncoder().encode('another-secret-that-is-long-enough!!'));
    const cases: Array<[string, unknown, string]> = [
      ['alg none', none, 'unsupported'],
      ['tampered payload', tampered, 'invalid_signature'],
      ['no typ', noTyp, 'invalid_claims'],
      ['other issuer', otherIssuer, 'invalid_claims'],
      ['other audience', otherAudience, 'invalid_claims'],
      ['EdDSA against an HS key', eddsa, 'unsupported'],
      ['wrong secret', wrongKey, 'invalid_signature'],
      ['encrypted (5 parts)', 'a.b.c.d.e', 'malformed'],
      ['garbage', 'not a jwt', 'malformed'],
      ['huge', 'a'.repeat(20_000), 'malformed'],
      ['number', 7, 'malformed'],
      ['empty', '', 'missing'],
    ];
    for (const [name, token, reason] of cases) {
      const result = await sessions.verifyAccessToken(token);
      expect({ name, result }).toEqual({ name, result: { ok: false, reason } });
    }
  });

  it('ignores jwk, jku, x5u and x5c headers: keys come from configuration only', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const claims = decodeJwt(await sessions.issueAccessToken(session));
    const attacker = new TextEncoder().encode('attacker-controlled-secret-32-bytes!!');
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE, jku: 'https://evil.example/jwks', kid: 'evil' })
      .sign(attacker);
    expect(await sessions.verifyAccessToken(forged)).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('signs with EdDSA and ES256 key pairs and publishes a JWKS', async () => {
    for (const [alg, pair] of [
      ['EdDSA', generateKeyPairSync('ed25519')],
      ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ] as const) {
      const { sessions } = setup({ accessTokens: { privateKey: pair.privateKey, publicKey: pair.publicKey, alg } });
      const { session } = await sessions.create({ userId: 'u' });
      const jwt = await sessions.issueAccessToken(session);
      expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
      const jwks = await sessions.accessTokenJwks();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ alg, use: 'sig' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      // A verify-only service holds the public key alone.
      const verifier = createSessionManager({ store: sessions.store, accessTokens: { keys: [{ alg, publicKey: jwks.keys[0]! }] } });
      expect((await verifier.verifyAccessToken(jwt)).ok).toBe(true);
      await expect(verifier.issueAccessToken(session)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    }
  });

  it('rotates keys: the newest signs, older keys still verify', async () => {
    const oldSecret = 'old-secret-old-secret-old-secret-!!';
    const before = setup({ accessTokens: { keys: [{ alg: 'HS256', kid: 'k1', secret: oldSecret }] } });
    const { session } = await before.sessions.create({ userId: 'u' });
    const oldJwt = await before.sessions.issueAccessToken(session);
    const after = createSessionManager({
      store: before.store,
      accessTokens: { keys: [{ alg: 'HS256', kid: 'k2', secret: SECRET }, { alg: 'HS256', kid: 'k1', secret: oldSecret }] },
    });
    const newJwt = await after.issueAccessToken(session);
    expect(JSON.parse(Buffer.from(newJwt.split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
    expect((await after.verifyAccessToken(oldJwt)).ok).toBe(true);
    expect((await after.verifyAccessToken(newJwt)).ok).toBe(true);
  });

  it('re-presenting a token skips the signature work but still checks revocation each time', async () => {
    const { sessions, store } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const jwt = await sessions.issueAccessToken(session);
    store.calls.clear();
    for (let index = 0; index < 5; index++) expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    expect(store.calls.get('readUser')).toBe(5);
    await sessions.revoke(session.id);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(false);
  });

  it('refuses bad configuration at startup', () => {
    const attempts: Array<CreateSessionManagerOptions['accessTokens']> = [
      { secret: 'x'.repeat(31) },
      {},
      { keys: [{ alg: 'none' as never, secret: SECRET }] },
      { keys: [{ alg: 'HS256', kid: 'a', secret: SECRET }, { alg: 'HS256', kid: 'a', secret: SECRET }] },
      { secret: SECRET, clockTolerance: 600_000 },
    ];
    for (const accessTokens of attempts) {
      let error: unknown;
      try {
        createSessionManager({ accessTokens });
      } catch (caught) {
        error = caught;
      }
      expect(isSessionError(error) && error.code).toBe('INVALID_CONFIGURATION');
    }
  });

  it('throws INVALID_CONFIGURATION when access tokens are off', async () => {
    const sessions = createSessionManager();
    const { session } = await sessions.create({ userId: 'u' });
    await expect(sessions.issueAccessToken(session)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
  });
});

describe("access tokens of a tenant's sessions and of support sessions", () => {
  it("are refused once the tenant is signed out, while other tenants' and tenant-less tokens still verify", async () => {
    const { sessions } = setup({ store: memoryStore() });
    const acme = await sessions.issueAccessToken((await sessions.create({ userId: 'u', tenantId: 'acme' })).session);
    const globex = await sessions.issueAccessToken((await sessions.create({ userId: 'u', tenantId: 'globex', kind: 'api' })).session);
    const own = await sessions.issueAccessToken((await sessions.create({ userId: 'u', kind: 'api' })).session);
    const otherKind = await sessions.issueAccessToken((await sessions.create({ userId: 'v', tenantId: 'acme', kind: 'api' })).session);
    expect((await sessions.verifyAccessToken(acme)).ok).toBe(true);
    await sessions.revokeTenant('acme', { kinds: ['browser'] });
    expect(await sessions.verifyAccessToken(acme)).toEqual({ ok: false, reason: 'revoked' });
    for (const jwt of [globex, own, otherKind]) expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
  });

  it("with a cache TTL, the instance that revokes refuses a tenant session's token at once", async () => {
    const { sessions } = setup({ store: memoryStore(), epochCacheTtl: 60_000 });
    const { session } = await sessions.create({ userId: 'u', tenantId: 'acme' });
    const other = await sessions.create({ userId: 'u', tenantId: 'acme', kind: 'api' });
    const jwt = await sessions.issueAccessToken(session);
    const otherJwt = await sessions.issueAccessToken(other.session);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    expect((await sessions.verifyAccessToken(otherJwt)).ok).toBe(true);
    await sessions.revoke(session.id);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    await sessions.revokeTenant('acme', { kinds: 'all' });
    expect(await sessions.verifyAccessToken(otherJwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('of a support session name the agent as the actor and carry no auth_time', async () => {
    const { sessions } = setup();
    const admin = await sessions.create({ userId: 'agent' });
    const { session } = await sessions.impersonate(admin.session, 'ada');
    const jwt = await sessions.issueAccessToken(session);
    expect(decodeJwt(jwt)).toMatchObject({ sub: 'ada', act: { sub: 'agent' } });
    expect(decodeJwt(jwt).auth_time).toBeUndefined();
    const result = await sessions.verifyAccessToken(jwt);
    expect(result.ok && result.claims.act).toEqual({ sub: 'agent' });
    const own = decodeJwt(await sessions.issueAccessToken(admin.session));
    expect(own.act).toBeUndefined();
    expect(own.auth_time).toBe(Math.floor(admin.session.authenticatedAt / 1000));
  });

  it('of a support session given without its impersonator name the actor read from the store, never none', async () => {
    const { sessions } = setup();
    const admin = await sessions.create({ userId: 'agent' });
    const { session } = await sessions.impersonate(admin.session, 'ada');
    // The app's own copy of the session lost its impersonator (a cache, a serialised form).
    const { impersonatorId: _dropped, ...withoutActor } = session;
    for (const shown of [withoutActor, { ...session, impersonatorId: undefined }, { ...withoutActor, authenticatedAt: Date.now() }]) {
      const claims = decodeJwt(await sessions.issueAccessToken(shown as typeof session));
      expect(claims.act).toEqual({ sub: 'agent' });
      expect(claims.auth_time).toBeUndefined();
    }
    // Nor by a kind the object claims: the stored row says what the session is.
    const asBrowser = decodeJwt(await sessions.issueAccessToken({ ...withoutActor, kind: 'browser', authenticatedAt: Date.now() } as typeof session));
    expect(asBrowser).toMatchObject({ kind: 'impersonation', act: { sub: 'agent' } });
    expect(asBrowser.auth_time).toBeUndefined();
    // A support session that is no longer live gets no token at all.
    await sessions.revoke(session.id);
    await expect(sessions.issueAccessToken(withoutActor as typeof session)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('are issued only for a session that is live counting its idleness', async () => {
    const { sessions, clock } = setup({ kinds: { browser: { idleTimeout: 10 * MINUTE } } });
    const { session } = await sessions.create({ userId: 'u' });
    clock.advance(10 * MINUTE);
    await expect(sessions.issueAccessToken(session)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("of a support session verify while its admin's session is live, however long the support session sat unused", async () => {
    const { sessions, clock } = setup({ kinds: { impersonation: { idleTimeout: 2 * MINUTE } } });
    const admin = await sessions.create({ userId: 'agent' });
    const { session, token } = await sessions.impersonate(admin.session, 'ada');
    const jwt = await sessions.issueAccessToken(session);
    // Past the support session's idle timeout, inside the token's 5 minutes: using a token never touches its session.
    clock.advance(3 * MINUTE);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'idle' });
  });

  it('of a support session whose row is gone are revoked, not an error', async () => {
    const inner = memoryStore();
    const clock = new TestClock();
    const options = { clock: clock.read, epochCacheTtl: 0, accessTokens: { secret: SECRET } };
    const sessions = createSessionManager({ store: inner, ...options });
    const admin = await sessions.create({ userId: 'agent' });
    const { session } = await sessions.impersonate(admin.session, 'ada');
    const jwt = await sessions.issueAccessToken(session);
    // A store that lost the support session's row (pruned by another instance).
    const lost = { ...inner, get: async (sessionId: string) => (sessionId === session.id ? null : inner.get(sessionId)) };
    expect(await createSessionManager({ store: lost, ...options }).verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('of kind impersonation without an actor, or with an actor and an auth_time, are invalid_claims', async () => {
    const { sessions } = setup();
    const admin = await sessions.create({ userId: 'agent' });
    const { session } = await sessions.impersonate(admin.session, 'ada');
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: 'ada', sid: session.id, kind: 'impersonation', sct: session.createdAt, iat: now, exp: now + 60, jti: 'j' };
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(new TextEncoder().encode(SECRET));
    expect(await sessions.verifyAccessToken(await sign({ ...base, auth_time: now }))).toEqual({ ok: false, reason: 'invalid_claims' });
    expect(await sessions.verifyAccessToken(await sign({ ...base, act: { sub: 'agent' }, auth_time: now }))).toEqual({ ok: false, reason: 'invalid_claims' });
    expect((await sessions.verifyAccessToken(await sign({ ...base, act: { sub: 'agent' } }))).ok).toBe(true);
  });

  it('with an actor claim that is not an object with a text sub are invalid_claims', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u' });
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: 'u', sid: session.id, kind: 'browser', sct: session.createdAt, iat: now, exp: now + 60, jti: 'j' };
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE }).sign(new TextEncoder().encode(SECRET));
    for (const act of ['agent', 7, null, {}, { sub: 7 }]) {
      expect(await sessions.verifyAccessToken(await sign({ ...base, act }))).toEqual({ ok: false, reason: 'invalid_claims' });
    }
    // Well-formed, but the stored session has no such actor: not a token this library minted.
    expect(await sessions.verifyAccessToken(await sign({ ...base, act: { sub: 'agent' } }))).toEqual({ ok: false, reason: 'revoked' });
    for (const authTime of [1.5, '5', null]) {
      expect(await sessions.verifyAccessToken(await sign({ ...base, auth_time: authTime }))).toEqual({ ok: false, reason: 'invalid_claims' });
    }
    expect((await sessions.verifyAccessToken(await sign({ ...base, auth_time: now }))).ok).toBe(true);
  });

  it('carry the stored session\'s kind, creation, tenant and sign-in time, whatever the object given says', async () => {
    const { sessions } = setup();
    const { session } = await sessions.create({ userId: 'u', tenantId: 'acme' });
    const { id, userId } = session;
    for (const shown of [{ id, userId }, { ...session, kind: 'api', createdAt: 1, tenantId: 'other', authenticatedAt: Number.NaN }]) {
      const jwt = await sessions.issueAccessToken(shown);
      expect(decodeJwt(jwt)).toMatchObject({ sid: id, sub: userId, kind: 'browser', sct: session.createdAt, tid: 'acme', auth_time: Math.floor(session.authenticatedAt / 1000) });
      expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    }
  });

  it("a revocation drops only that user's cached state: other users' tokens verify without a store read", async () => {
    const { sessions, store } = setup({ epochCacheTtl: 60_000 });
    const alice = await sessions.create({ userId: 'alice' });
    const bob = await sessions.issueAccessToken((await sessions.create({ userId: 'bob' })).session);
    expect((await sessions.verifyAccessToken(bob)).ok).toBe(true);
    const readsOfBob = () => store.log.filter(([method, userId]) => method === 'readUser' && userId === 'bob').length;
    const reads = readsOfBob();
    await sessions.revoke(alice.session.id);
    expect((await sessions.verifyAccessToken(bob)).ok).toBe(true);
    expect(readsOfBob()).toBe(reads);
  });
});
