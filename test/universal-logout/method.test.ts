import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, type GlobalTokenRevocationRequestOptions, type SessionManager } from '../../src/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';

// sessions.globalTokenRevocation() for an app that serves the endpoint itself: each answer
// the route maps to a status, and the failures it maps to 503.

const AUDIENCE = 'https://app.example.com/logout/global';

let idp: TestIssuer;
let sessions: SessionManager;
beforeAll(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
});
afterAll(async () => {
  await sessions.close();
  await idp.close();
});

const options = (): GlobalTokenRevocationRequestOptions => ({
  issuers: [{ issuer: idp.issuer }],
  resolveSubject: ({ email }) => (email === 'alice@example.com' ? 'alice' : undefined),
  endpointUrl: AUDIENCE,
});
const alice = { sub_id: { format: 'email', email: 'alice@example.com' } };

describe('sessions.globalTokenRevocation()', () => {
  it('ends every session of the user the body names, by the issuer, reason security_event', async () => {
    const web = await sessions.create({ userId: 'alice' });
    const other = await sessions.create({ userId: 'carol' });
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE), alice, options())).toEqual({ ok: true, issuer: idp.issuer, userId: 'alice' });
    expect((await sessions.validate(web.token)).ok).toBe(false);
    expect((await sessions.validate(other.token)).ok).toBe(true);
    const [entry] = await sessions.activity('alice');
    expect(entry).toMatchObject({ reason: 'security_event', by: idp.issuer });
  });

  it('answers why it refused, and ends nothing', async () => {
    const { token } = await sessions.create({ userId: 'alice' });
    const bearer = await idp.revocationBearer(AUDIENCE);
    expect(await sessions.globalTokenRevocation(undefined, alice, options())).toEqual({ ok: false, reason: 'missing_bearer' });
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer('https://elsewhere.example/'), alice, options())).toEqual({ ok: false, reason: 'invalid_bearer' });
    expect(await sessions.globalTokenRevocation(bearer, { sub_id: { format: 'opaque', id: 'alice' } }, options())).toEqual({ ok: false, reason: 'invalid_request' });
    // The bearer was taken by the request above, whatever its body.
    expect(await sessions.globalTokenRevocation(bearer, alice, options())).toEqual({ ok: false, reason: 'replayed' });
    const nobody = { sub_id: { format: 'email', email: 'nobody@example.com' } };
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE), nobody, options())).toEqual({ ok: false, reason: 'user_not_found' });
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('refuses a token the issuer made for another use (typ secevent+jwt) though its aud, exp and jti would pass', async () => {
    const { token } = await sessions.create({ userId: 'alice' });
    const exp = Math.floor(Date.now() / 1000) + 300;
    const set = await idp.securityEventToken('https://schemas.openid.net/secevent/risc/event-type/account-disabled', { format: 'email', email: 'alice@example.com' }, { aud: AUDIENCE, exp });
    expect(await sessions.globalTokenRevocation(set, alice, options())).toEqual({ ok: false, reason: 'invalid_bearer' });
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it("a provider signs out only its own users: another issuer's iss_sub is refused, and resolveSubject is told whose bearer came", async () => {
    const other = await startTestIssuer();
    try {
      const asked: unknown[] = [];
      // A resolver that maps any provider's user, as an app with several providers might write it.
      const twoProviders: GlobalTokenRevocationRequestOptions = {
        issuers: [{ issuer: idp.issuer }, { issuer: other.issuer }],
        resolveSubject: (subject, request) => (asked.push([subject, request]), subject.sub === 'bob-at-other' ? 'bob' : undefined),
        endpointUrl: AUDIENCE,
      };
      const bob = await sessions.create({ userId: 'bob', federated: { iss: other.issuer, sub: 'bob-at-other' } });
      const named = (iss: string) => ({ sub_id: { format: 'iss_sub', iss, sub: 'bob-at-other' } });
      for (const iss of [other.issuer, `${other.issuer}/`]) {
        expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE), named(iss), twoProviders)).toEqual({ ok: false, reason: 'other_issuer' });
      }
      expect(asked).toEqual([]);
      expect((await sessions.validate(bob.token)).ok).toBe(true);
      // Its own provider may, with or without a trailing slash on the subject's issuer.
      expect(await sessions.globalTokenRevocation(await other.revocationBearer(AUDIENCE), named(`${other.issuer}/`), twoProviders)).toEqual({ ok: true, issuer: other.issuer, userId: 'bob' });
      expect(asked).toEqual([[{ format: 'iss_sub', iss: `${other.issuer}/`, sub: 'bob-at-other' }, { issuer: other.issuer }]]);
      expect((await sessions.validate(bob.token)).ok).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('without endpointUrl, takes bearers of issuers with an audience only', async () => {
    const { endpointUrl: _, ...withoutUrl } = options();
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE), alice, withoutUrl)).toEqual({ ok: false, reason: 'invalid_bearer' });
    const audienced = { ...withoutUrl, issuers: [{ issuer: idp.issuer, audience: AUDIENCE }] };
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE), alice, audienced)).toMatchObject({ ok: true });
  });

  it('a bearer and a logout token of one issuer with the same jti are both taken: separate namespaces', async () => {
    const jti = 'same-id';
    const linked = await sessions.create({ userId: 'dave', federated: { iss: idp.issuer, sub: 'dave' } });
    expect(await sessions.backchannelLogout(await idp.logoutToken({ jti, sub: 'dave' }), { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] })).toMatchObject({ ok: true, revokedIds: [linked.session.id] });
    expect(await sessions.globalTokenRevocation(await idp.revocationBearer(AUDIENCE, { jti }), alice, options())).toMatchObject({ ok: true });
  });

  it('rejects KEYS_UNAVAILABLE while the issuer\'s keys cannot be read, and the bearer is not spent', async () => {
    let now = Date.now();
    const timed = createSessionManager({ store: memoryStore(), clock: () => now });
    try {
      const { token } = await timed.create({ userId: 'alice' });
      const bearer = await idp.revocationBearer(AUDIENCE);
      idp.jwksAnswer = 503;
      const failed = await timed.globalTokenRevocation(bearer, alice, options()).catch((error: unknown) => error);
      expect(isSessionError(failed) && failed.code).toBe('KEYS_UNAVAILABLE');
      expect((await timed.validate(token)).ok).toBe(true);
      idp.jwksAnswer = 'keys';
      // Past the back-off after the failed fetch.
      now += 10_000;
      expect(await timed.globalTokenRevocation(bearer, alice, options())).toMatchObject({ ok: true });
      expect((await timed.validate(token)).ok).toBe(false);
    } finally {
      idp.jwksAnswer = 'keys';
      await timed.close();
    }
  });

  it('checks its options', async () => {
    for (const bad of [{ ...options(), endpointUrl: 42 }, { ...options(), maxTokenAge: 1 }, { ...options(), issuers: [] }]) {
      await expect(sessions.globalTokenRevocation(undefined, alice, bad as unknown as GlobalTokenRevocationRequestOptions)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    }
  });
});
