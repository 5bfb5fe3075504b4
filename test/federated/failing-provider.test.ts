import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A provider that fails (500s, or no answer at all) while forged tokens arrive: the app fetches
// its metadata and keys once, shared by the requests waiting at that moment, and then not again
// for 10 s, answering keys_unavailable (a 503 on the route) meanwhile. No waiting in the test:
// the manager's clock is moved, and a hanging answer is released by the test.

const RETRY_AFTER_FAILURE = 10_000;

describe('backchannelLogout(): a failing provider is not hammered', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  let now: number;
  beforeEach(async () => {
    idp = await startHomeIssuer();
    now = Date.now();
    sessions = createSessionManager({ store: memoryStore(), clock: () => now });
  });
  afterEach(async () => {
    await sessions.close();
    await idp.close();
  });
  const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });
  const forged = (index: number) => idp.logoutToken({ header: { kid: `forged-${index}` }, claims: { iat: Math.floor(now / 1000) } });
  const signIn = () => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
  const logout = async () => sessions.backchannelLogout(await idp.logoutToken({ claims: { iat: Math.floor(now / 1000) } }), options());

  it('while the JWKS answers 500, 20 forged tokens with new kids fetch it once; it is fetched again once the back-off has passed', async () => {
    const signedIn = await signIn();
    idp.jwksAnswer = 500;
    for (let index = 0; index < 20; index++) expect(await sessions.backchannelLogout(await forged(index), options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(1);
    // The provider is back, but the back-off still holds: nothing is fetched, nothing ends.
    idp.jwksAnswer = 'keys';
    now += RETRY_AFTER_FAILURE - 1;
    expect(await logout()).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(1);
    now += 1;
    expect(await logout()).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(idp.jwksFetches).toBe(2);
  });

  it('while the JWKS answers JSON that is no key set, 20 forged tokens fetch it once; it is fetched again once the back-off has passed', async () => {
    const signedIn = await signIn();
    idp.jwksAnswer = 'not-keys';
    for (let index = 0; index < 20; index++) expect(await sessions.backchannelLogout(await forged(index), options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(1);
    idp.jwksAnswer = 'keys';
    now += RETRY_AFTER_FAILURE;
    expect(await logout()).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(idp.jwksFetches).toBe(2);
  });

  it('while discovery answers 500, 20 tokens read it once; it is read again once the back-off has passed', async () => {
    const signedIn = await signIn();
    idp.discoveryAnswer = 503;
    for (let index = 0; index < 20; index++) expect(await sessions.backchannelLogout(await forged(index), options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.discoveryFetches).toBe(1);
    expect(idp.jwksFetches).toBe(0);
    idp.discoveryAnswer = 'metadata';
    now += RETRY_AFTER_FAILURE;
    expect(await logout()).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(idp.discoveryFetches).toBe(2);
  });

  it('a discovery document over 1 MiB is refused as keys_unavailable; one just under it is read', async () => {
    const signedIn = await signIn();
    const document = JSON.stringify({ issuer: idp.issuer, jwks_uri: `${idp.issuer}/jwks` });
    // The padding field brings the document to exactly the limit, then one byte past it.
    const padding = (size: number) => 'x'.repeat(size - document.length - ',"padding":""'.length);
    idp.metadata = { padding: padding(1024 * 1024 + 1) };
    expect(await logout()).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.discoveryFetches).toBe(1);
    idp.metadata = { padding: padding(1024 * 1024) };
    now += RETRY_AFTER_FAILURE;
    expect(await logout()).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
  });

  it('while the JWKS hangs, concurrent tokens share one fetch; later ones are answered at once without another', async () => {
    const signedIn = await signIn();
    idp.jwksAnswer = 'hang';
    const answers = Promise.all(Array.from({ length: 20 }, async (_, index) => sessions.backchannelLogout(await forged(index), options())));
    await idp.hanging();
    idp.releaseHung(500);
    expect(await answers).toEqual(Array.from({ length: 20 }, () => ({ ok: false, reason: 'keys_unavailable' })));
    expect(idp.jwksFetches).toBe(1);
    // Still hanging: a token that fetched would wait for the fetch's timeout and count a fetch.
    for (let index = 20; index < 25; index++) expect(await sessions.backchannelLogout(await forged(index), options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('while discovery hangs, concurrent tokens share one read of it', async () => {
    idp.discoveryAnswer = 'hang';
    const answers = Promise.all(Array.from({ length: 20 }, async (_, index) => sessions.backchannelLogout(await forged(index), options())));
    await idp.hanging();
    idp.releaseHung(500);
    expect(await answers).toEqual(Array.from({ length: 20 }, () => ({ ok: false, reason: 'keys_unavailable' })));
    expect(idp.discoveryFetches).toBe(1);
    expect(await sessions.backchannelLogout(await forged(20), options())).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.discoveryFetches).toBe(1);
  });

  it('a JWKS that never answers is given up after the fetch timeout (5 s), and then not fetched again during the back-off', { timeout: 20_000 }, async () => {
    idp.jwksAnswer = 'hang';
    const refusals: unknown[] = [];
    const reported = { ...options(), onRefused: (refusal: unknown) => void refusals.push(refusal) };
    expect(await sessions.backchannelLogout(await forged(0), reported)).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(await sessions.backchannelLogout(await forged(1), reported)).toEqual({ ok: false, reason: 'keys_unavailable' });
    expect(idp.jwksFetches).toBe(1);
    expect(refusals).toEqual([
      { reason: 'keys_unavailable', issuer: idp.issuer, cause: expect.objectContaining({ name: 'JWKSTimeout' }) },
      { reason: 'keys_unavailable', issuer: idp.issuer, cause: expect.objectContaining({ message: expect.stringContaining(`${idp.issuer}/jwks failed less than 10 s ago`) }) },
    ]);
  });
});

// jose fetches the keys again before every token once they are 10 minutes old (it reads Date.now(), faked here; no timer is).
describe('backchannelLogout(): a JWKS that fails when a token arrives, with the signing key already held', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await sessions.close();
    await idp.close();
  });
  const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });
  const token = (sid: string, header?: { kid: string }) => idp.logoutToken({ header, claims: { sid, iat: Math.floor(Date.now() / 1000) } });
  const signIn = (sid: string) => sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid } });

  for (const minutes of [5, 11]) {
    it(`${minutes} min after the keys were fetched: the token is checked with the key held and its session ends; a token naming another kid is still refused`, async () => {
      const first = await signIn('sid-a');
      expect(await sessions.backchannelLogout(await token('sid-a'), options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [first.session.id] });
      expect(idp.jwksFetches).toBe(1);
      vi.setSystemTime(Date.now() + minutes * 60_000);
      const second = await signIn('sid-b');
      idp.jwksAnswer = 503;
      expect(await sessions.backchannelLogout(await token('sid-b'), options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [second.session.id] });
      expect((await sessions.validate(second.token)).ok).toBe(false);
      const third = await signIn('sid-c');
      expect(await sessions.backchannelLogout(await token('sid-c', { kid: 'not-published' }), options())).toMatchObject({ ok: false });
      expect((await sessions.validate(third.token)).ok).toBe(true);
    });
  }
});
