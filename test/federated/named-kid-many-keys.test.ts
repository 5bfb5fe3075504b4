import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { serveIssuer, type IssuerServer } from '../../src/testing/framework/test-issuer.js';

// A token that names its kid is tried with the keys of that kid only (RFC 7517 allows two keys to share one), under the same bound as
// a token without a kid: the other keys the provider publishes do not count.

const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

describe('backchannelLogout(): a token that names its kid, at a provider publishing many keys', () => {
  const opened: Array<IssuerServer | SessionManager> = [];
  afterEach(async () => {
    for (const one of opened.splice(0)) await one.close();
  });

  for (const count of [3, 40]) {
    it(`is tried with each key of that kid (two share it) among ${count} published keys`, async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const own = { ...(await exportJWK(publicKey)), kid: 'shared', alg: 'ES256', use: 'sig' };
      const other = await exportJWK((await generateKeyPair('ES256')).publicKey);
      // The older key of the kid first: the token's own comes second.
      const keys = [{ ...other, kid: 'shared', alg: 'ES256', use: 'sig' }, ...Array.from({ length: count - 2 }, (_, index) => ({ ...other, kid: `k${index}`, alg: 'ES256', use: 'sig' })), own];
      const issuer = await serveIssuer(() => keys);
      opened.push(issuer);
      const sessions = createSessionManager();
      opened.push(sessions);
      const signedIn = await sessions.create({ userId: 'u1', federated: { iss: issuer.issuer, sub: 'alice', sid: 'sid-1' } });
      const token = await new SignJWT({ jti: crypto.randomUUID(), sid: 'sid-1', events: LOGOUT_EVENT }).setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid: 'shared' }).setIssuer(issuer.issuer).setAudience('client').setIssuedAt().sign(privateKey);
      expect(await sessions.backchannelLogout(token, { issuers: [{ issuer: issuer.issuer, clientId: 'client' }] })).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    });
  }
});

describe('backchannelLogout(): a kid that many keys share', () => {
  it('is held to the same bound as a token without a kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const own = { ...(await exportJWK(publicKey)), kid: 'shared', alg: 'ES256', use: 'sig' };
    const other = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const issuer = await serveIssuer(() => [...Array.from({ length: 39 }, () => ({ ...other, kid: 'shared', alg: 'ES256', use: 'sig' })), own]);
    const sessions = createSessionManager();
    try {
      const token = await new SignJWT({ jti: crypto.randomUUID(), sid: 'sid-1', events: LOGOUT_EVENT }).setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid: 'shared' }).setIssuer(issuer.issuer).setAudience('client').setIssuedAt().sign(privateKey);
      expect(await sessions.backchannelLogout(token, { issuers: [{ issuer: issuer.issuer, clientId: 'client' }] })).toEqual({ ok: false, reason: 'bad_signature' });
    } finally {
      await sessions.close();
      await issuer.close();
    }
  });
});
