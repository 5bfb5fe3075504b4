import { CompactEncrypt, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type BackchannelLogoutOptions, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// What an app configures and sees: several client ids at one provider, the refusals reported
// to it, and the token shapes it cannot use.

let idp: HomeIssuer;
beforeAll(async () => {
  idp = await startHomeIssuer('web-client');
});
afterAll(() => idp.close());

describe('backchannelLogout() options', () => {
  let sessions: SessionManager;
  beforeEach(() => {
    sessions = createSessionManager({ store: memoryStore() });
  });
  const signIn = (sid: string) => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid } });

  it('serves two client ids at one provider: a token for either is accepted, for a third refused', async () => {
    const options: BackchannelLogoutOptions = { issuers: [{ issuer: idp.issuer, clientId: 'web-client' }, { issuer: idp.issuer, clientId: 'mobile-client' }] };
    const web = await signIn('sid-web');
    const mobile = await signIn('sid-mobile');
    const other = await signIn('sid-other');
    expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { sid: 'sid-web' } }), options)).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [web.session.id] });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { sid: 'sid-mobile', aud: 'mobile-client' } }), options)).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [mobile.session.id] });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { sid: 'sid-other', aud: 'someone-else' } }), options)).toEqual({ ok: false, reason: 'bad_audience' });
    expect((await sessions.validate(other.token)).ok).toBe(true);
  });

  it('refuses entries of one issuer that disagree on its keys or algorithms', async () => {
    const token = await idp.logoutToken();
    for (const second of [{ jwksUri: `${idp.issuer}/other-jwks` }, { algorithms: ['ES256'] }]) {
      await expect(sessions.backchannelLogout(token, { issuers: [{ issuer: idp.issuer, clientId: 'web-client' }, { issuer: idp.issuer, clientId: 'mobile-client', ...second }] })).rejects.toMatchObject({
        code: 'INVALID_CONFIGURATION',
      });
    }
  });

  it('reports every refusal to onRefused (reason, issuer, and why the keys were unavailable), never the token', async () => {
    const refusals: unknown[] = [];
    const options: BackchannelLogoutOptions = { issuers: [{ issuer: idp.issuer, clientId: 'web-client' }], onRefused: (refusal) => void refusals.push(refusal) };
    await sessions.backchannelLogout(await idp.logoutToken({ claims: { nonce: 'n' } }), options);
    await sessions.backchannelLogout('not a token', options);
    idp.jwksAnswer = 500;
    await sessions.backchannelLogout(await idp.logoutToken(), { ...options, issuers: [{ issuer: idp.issuer, clientId: 'web-client', jwksUri: `${idp.issuer}/jwks?fresh` }] });
    idp.jwksAnswer = 'keys';
    expect(refusals).toEqual([
      { reason: 'nonce_present', issuer: idp.issuer },
      { reason: 'malformed', issuer: undefined },
      { reason: 'keys_unavailable', issuer: idp.issuer, cause: expect.objectContaining({ message: `${idp.issuer}/jwks?fresh answered 500.` }) },
    ]);
    // An accepted token reports nothing; a throwing callback does not change the answer.
    expect((await sessions.backchannelLogout(await idp.logoutToken(), options)).ok).toBe(true);
    expect(refusals).toHaveLength(3);
    const throwing = { ...options, onRefused: () => { throw new Error('logger down'); } };
    expect(await sessions.backchannelLogout('x', throwing)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an encrypted (JWE) logout token as malformed: not supported', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const signed = await idp.logoutToken();
    const encrypted = await new CompactEncrypt(new TextEncoder().encode(signed)).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: (await exportJWK(publicKey)).kid }).encrypt(publicKey);
    expect(encrypted.split('.')).toHaveLength(5);
    expect(await sessions.backchannelLogout(encrypted, { issuers: [{ issuer: idp.issuer, clientId: 'web-client' }] })).toEqual({ ok: false, reason: 'malformed' });
  });
});
