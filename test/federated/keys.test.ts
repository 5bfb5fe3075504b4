import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// The provider's keys: a JWKS that cannot be read is the provider's trouble (keys_unavailable,
// a 503 on the route), never the token's.

describe('backchannelLogout(): the provider\'s keys', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  beforeEach(async () => {
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterEach(async () => {
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
});
