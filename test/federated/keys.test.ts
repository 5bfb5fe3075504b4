import { generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// The provider's keys: a JWKS that cannot be read is the provider's trouble (keys_unavailable,
// a 503 on the route), never the token's; and a key published during jose's 30 s refetch
// cooldown is not mistaken for a forgery.

describe('backchannelLogout(): the provider\'s keys', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  beforeEach(async () => {
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
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
      // Once the provider answers again, the same token is accepted: a failed fetch starts no
      // cooldown, and nothing was remembered.
      idp.jwksAnswer = 'keys';
      expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    });
  }

  it('a key published within 30 s of the last fetch: keys_unavailable (503) until jose may fetch again, then accepted', async () => {
    const signedIn = await signIn();
    // Anyone can start the cooldown: a token naming a kid no one published.
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    const fetches = idp.jwksFetches;
    await idp.publishKey();
    const token = await idp.logoutToken();
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(fetches);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    // The provider's retry after the cooldown (jose reads Date.now()) ends the session.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });

  it('during the cooldown, a known kid with another signature or another algorithm stays a 400', async () => {
    const signedIn = await signIn();
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ signWith: idp.otherKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    const psKey = (await generateKeyPair('PS256')).privateKey;
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { alg: 'PS256' }, signWith: psKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    // A kid-less token picks keys by algorithm only: nothing a new key would change.
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: undefined }, signWith: idp.otherKey }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a kid still unknown once the keys were fetched again is a 400', async () => {
    const signedIn = await signIn();
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up' } }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const fetches = idp.jwksFetches;
    expect(await sessions.backchannelLogout(await idp.logoutToken({ header: { kid: 'made-up-too' } }), options())).toEqual({ ok: false, reason: 'bad_signature' });
    expect(idp.jwksFetches).toBe(fetches + 1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });
});
