import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type BackchannelLogoutOptions, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A logout token's aud and azp, checked as an ID token's are (OpenID Connect Core 1.0, section
// 3.1.3.7): every audience must be one of this app's client ids at that issuer, several
// audiences need an azp among them, and an azp must be one of them.

let idp: HomeIssuer;
beforeAll(async () => {
  idp = await startHomeIssuer('web-client');
});
afterAll(() => idp.close());

describe('backchannelLogout(): audience and authorized party', () => {
  let sessions: SessionManager;
  beforeEach(() => {
    sessions = createSessionManager({ store: memoryStore() });
  });
  const single = (): BackchannelLogoutOptions => ({ issuers: [{ issuer: idp.issuer, clientId: 'web-client' }] });
  const several = (): BackchannelLogoutOptions => ({
    issuers: ['web-client', 'mobile-client', 'cli-client'].map((clientId) => ({ issuer: idp.issuer, clientId })),
  });
  const signIn = () => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
  const logout = async (claims: Record<string, unknown>, options: BackchannelLogoutOptions) => sessions.backchannelLogout(await idp.logoutToken({ claims }), options);

  it('refuses an aud that names an audience this app does not trust, even beside its own client id', async () => {
    const signedIn = await signIn();
    for (const claims of [{ aud: ['web-client', 'someone-else'], azp: 'web-client' }, { aud: ['someone-else', 'web-client'] }, { aud: ['web-client', 'mobile-client'], azp: 'web-client' }]) {
      expect(await logout(claims, single())).toEqual({ ok: false, reason: 'bad_audience' });
    }
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('with several client ids: an aud naming several of them needs an azp that is one of those', async () => {
    const signedIn = await signIn();
    for (const claims of [
      { aud: ['web-client', 'mobile-client'] },
      { aud: ['web-client', 'mobile-client'], azp: 'someone-else' },
      { aud: ['web-client', 'mobile-client'], azp: 'cli-client' },
      { aud: ['web-client', 'mobile-client'], azp: ['web-client'] },
      { aud: [] },
      { aud: ['web-client', 7] },
    ]) {
      expect(await logout(claims, several())).toEqual({ ok: false, reason: 'bad_audience' });
    }
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await logout({ aud: ['web-client', 'mobile-client'], azp: 'mobile-client' }, several())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });

  it('an azp, when present, must be one of this app\'s client ids at that issuer', async () => {
    const signedIn = await signIn();
    expect(await logout({ azp: 'someone-else' }, single())).toEqual({ ok: false, reason: 'bad_audience' });
    expect(await logout({ azp: 'mobile-client' }, single())).toEqual({ ok: false, reason: 'bad_audience' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await logout({ aud: ['web-client'], azp: 'web-client' }, single())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });

  it('exp is checked when present, and a token without one is accepted (its age is bounded by iat)', async () => {
    const signedIn = await signIn();
    expect(await logout({ exp: Math.floor(Date.now() / 1000) - 120 }, single())).toEqual({ ok: false, reason: 'expired' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await logout({}, single())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });
});
