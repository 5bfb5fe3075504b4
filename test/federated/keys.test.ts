import { generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIssuerKeys } from '../../src/federated/keys.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// The provider's keys: a JWKS that cannot be read is the provider's trouble (keys_unavailable,
// a 503 on the route), never the token's; a kid the keys lack is the token's (unknown_key, a
// 400), also within jose's 30 s refetch cooldown, which anyone can start with a made-up kid.

describe('backchannelLogout(): the provider\'s keys', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  let now: number;
  beforeEach(async () => {
    idp = await startHomeIssuer();
    now = Date.now();
    sessions = createSessionManager({ store: memoryStore(), clock: () => now });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await sessions.close();
    await idp.close();
  });
  const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });
  const signIn = () => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });

  for (const answer of [500, 503, 404, 302, 'not-json'] as const) {
    it(`a JWKS answering ${answer} is keys_unavailable, and ends nothing`, async () => {
      const signedIn = await signIn();
      idp.jwksAnswer = answer;
      const token = await idp.logoutToken();
      expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'keys_unavailable' });
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
      // Once the provider answers again and the 10 s back-off after a failed fetch has passed,
      // the same token is accepted: nothing was remembered.
      idp.jwksAnswer = 'keys';
      now += 10_000;
      expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    });
  }

  it('a kid the cached keys lack, within 30 s of the last fetch, is refused unknown_key (400) without a fetch; the same token is accepted once jose may fetch again', async () => {
    const signedIn = await signIn();
    // Anyone can start the cooldown: a token naming a kid no one published.
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'unknown_key' });
    const fetches = idp.jwksFetches;
    for (const kid of ['made-up-too', 'and-another']) {
      expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid } }), options())).toEqual({ ok: false, reason: 'unknown_key' });
    }
    // A key the provider publishes within those 30 s is refused the same way until the next fetch.
    await idp.publishKey();
    const token = await idp.logoutToken();
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'unknown_key' });
    expect(idp.jwksFetches).toBe(fetches);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    // Nothing was claimed: a delivery after the cooldown (jose reads Date.now()) ends the session.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });

  it('during the cooldown, a known kid with another signature or another algorithm stays a 400', async () => {
    const signedIn = await signIn();
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'unknown_key' });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ signWith: idp.otherKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    const psKey = (await generateKeyPair('PS256')).privateKey;
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { alg: 'PS256' }, signWith: psKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    // A kid-less token picks keys by algorithm only: nothing a new key would change.
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: undefined }, signWith: idp.otherKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a kid still unknown once the keys were fetched again is refused unknown_key (400)', async () => {
    const signedIn = await signIn();
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'unknown_key' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const fetches = idp.jwksFetches;
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up-too' } }), options())).toEqual({ ok: false, reason: 'unknown_key' });
    expect(idp.jwksFetches).toBe(fetches + 1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });
});

describe('discovery of two issuers that share a metadata URL', () => {
  let idp: HomeIssuer;
  beforeEach(async () => {
    idp = await startHomeIssuer();
  });
  afterEach(() => idp.close());
  const fresh = () => createIssuerKeys({ clock: () => Date.now(), onError: () => undefined });
  // "<issuer>/" and "<issuer>" read one discovery document, which names only the second.
  const misnamed = () => `${idp.issuer}/`;

  it('judges the document for each issuer: asked at once, the issuer it names gets its keys and the other is refused', async () => {
    const keys = fresh();
    const [wrong, right] = await Promise.allSettled([keys.keysOf(misnamed(), undefined), keys.keysOf(idp.issuer, undefined)]);
    expect([wrong.status, right.status]).toEqual(['rejected', 'fulfilled']);
    expect(wrong.status === 'rejected' && (wrong.reason as { code?: string }).code).toBe('INVALID_CONFIGURATION');
  });

  it("does not hold one issuer's refusal against the other during the back-off after it", async () => {
    const keys = fresh();
    await expect(keys.keysOf(misnamed(), undefined)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    await expect(keys.keysOf(idp.issuer, undefined)).resolves.toBeTypeOf('function');
  });
});
