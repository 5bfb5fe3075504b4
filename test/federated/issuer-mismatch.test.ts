import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type BackchannelRefusalReport } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// An issuer configured not quite as the provider names it (a trailing slash) refuses every
// token: the refusal reports the token's iss beside the configured ones, and a provider whose
// metadata names another issuer is reported once, naming both.

describe('an issuer configured not as the provider names it', () => {
  let idp: HomeIssuer;
  beforeAll(async () => {
    idp = await startHomeIssuer();
  });
  afterAll(() => idp.close());

  it('reports the token\'s unverified iss with unknown_issuer', async () => {
    const refusals: BackchannelRefusalReport[] = [];
    const sessions = createSessionManager({ store: memoryStore() });
    const options = { issuers: [{ issuer: `${idp.issuer}/`, clientId: idp.clientId }], onRefused: (refusal: BackchannelRefusalReport) => void refusals.push(refusal) };
    expect(await sessions.backchannelLogout(await idp.logoutToken(), options)).toEqual({ ok: false, reason: 'unknown_issuer' });
    // Text no provider sends (a control character, or too long to be kept) is left out.
    expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { iss: 'evil\r\n[error] injected' } }), options)).toEqual({ ok: false, reason: 'unknown_issuer' });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { iss: 7 } }), options)).toEqual({ ok: false, reason: 'unknown_issuer' });
    expect(refusals).toEqual([
      { reason: 'unknown_issuer', issuer: undefined, tokenIssuer: idp.issuer },
      { reason: 'unknown_issuer', issuer: undefined },
      { reason: 'unknown_issuer', issuer: undefined },
    ]);
    await sessions.close();
  });

  it('reports once, to onError, discovery naming another issuer than the configured one; every such token is keys_unavailable', async () => {
    const errors: unknown[] = [];
    let now = Date.now();
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, onError: (error) => void errors.push(error) });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    idp.metadata = { issuer: `${idp.issuer}/` };
    try {
      const options = { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] };
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await sessions.backchannelLogout(await idp.logoutToken(), options)).toEqual({ ok: false, reason: 'keys_unavailable' });
        // Past the back-off after a failed discovery: discovery is read again, and fails again.
        now += 10_000;
      }
      expect(idp.discoveryFetches).toBe(3);
      expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_CONFIGURATION' })]);
      expect((errors[0] as Error).message).toBe(
        `${idp.issuer}/.well-known/openid-configuration names the issuer "${idp.issuer}/", but "${idp.issuer}" is configured: configure the issuer exactly as the provider names it (its tokens carry it as iss).`,
      );
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    } finally {
      idp.metadata = {};
      await sessions.close();
    }
  });
});
