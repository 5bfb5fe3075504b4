import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, type SessionManager } from '../../src/index.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// The transmitter's keys: discovered from SSF metadata (SSF 1.0 sections 4.1.4 and 7.2), an
// unknown kid is the SET's fault (RFC 8935 section 2.4 invalid_key) and costs at most one JWKS
// fetch; keys that cannot be read are the transmitter's (KEYS_UNAVAILABLE, a 503 on the route),
// and forged SETs cannot make the app fetch again and again while it fails.

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: unknown) => (isSessionError(error) ? error.code : error),
  );

describe('securityEvent(): the transmitter\'s keys', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let now: number;
  beforeEach(async () => {
    tx = await startTransmitter();
    now = Date.now();
    sessions = createSessionManager({ store: memoryStore(), clock: () => now });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await sessions.close();
    await tx.close();
  });
  const options = () => ({ transmitters: [tx.config()] });
  const signIn = () => sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
  const revokeSet = (shape = {}) => tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: 'sid-1' }, ...shape });

  it('finds the keys through /.well-known/ssf-configuration (SSF 1.0 section 7.2.1), read once', async () => {
    const signedIn = await signIn();
    expect(await sessions.securityEvent(await revokeSet(), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    await sessions.securityEvent(await tx.sign({ type: EVENTS.verification }), options());
    expect(tx.discoveryFetches).toEqual({ ssf: 1, risc: 0 });
  });

  it('falls back to /.well-known/risc-configuration when the SSF name is not served (SSF 1.0 section 7.2.2)', async () => {
    tx.discovery = 'risc';
    const signedIn = await signIn();
    expect(await sessions.securityEvent(await revokeSet(), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    expect(tx.discoveryFetches).toEqual({ ssf: 1, risc: 1 });
  });

  it('inserts the well-known name between the host and an issuer\'s path (SSF 1.0 section 7.2.1)', async () => {
    const tenant = await startTransmitter({ path: '/tenant-1' });
    try {
      const signedIn = await sessions.create({ userId: 'u1', federated: { iss: tenant.issuer, sub: 'alice', sid: 'sid-1' } });
      const set = await tenant.sign({ subject: { format: 'opaque', id: 'sid-1' } });
      expect(await sessions.securityEvent(set, { transmitters: [tenant.config()] })).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
      expect(tenant.discoveryFetches.ssf).toBe(1);
    } finally {
      await tenant.close();
    }
  });

  it('metadata naming another issuer is not used (SSF 1.0 section 7.2.4): KEYS_UNAVAILABLE, nothing ends', async () => {
    tx.metadata = { issuer: 'https://someone-else.example' };
    const signedIn = await signIn();
    expect(await codeOf(sessions.securityEvent(await revokeSet(), options()))).toBe('KEYS_UNAVAILABLE');
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a SET without a kid (RFC 7515 section 4.1.4: optional) is verified by whichever published key signed it', async () => {
    const signedIn = await signIn();
    expect(await sessions.securityEvent(await revokeSet({ header: { kid: undefined } }), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    expect(await sessions.securityEvent(await revokeSet({ header: { kid: undefined }, signWith: tx.otherKey }), options())).toMatchObject({ ok: false, err: 'invalid_key' });
  });

  it('an unknown kid is invalid_key and costs at most one JWKS fetch, however many SETs name one', async () => {
    const signedIn = await signIn();
    for (let index = 0; index < 20; index++) {
      expect(await sessions.securityEvent(await revokeSet({ header: { kid: `made-up-${index}` } }), options())).toMatchObject({ ok: false, err: 'invalid_key' });
    }
    expect(tx.jwksFetches).toBe(1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    // A key published meanwhile is used once jose may fetch again (30 s after the last fetch).
    await tx.publishKey();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.securityEvent(await revokeSet(), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    expect(tx.jwksFetches).toBe(2);
  });

  for (const answer of [503, 404, 'not-json'] as const) {
    it(`a JWKS answering ${answer} rejects KEYS_UNAVAILABLE and keeps the session; 20 forged SETs during the back-off cost no fetch`, async () => {
      const signedIn = await signIn();
      tx.jwksAnswer = answer;
      const set = await revokeSet();
      expect(await codeOf(sessions.securityEvent(set, options()))).toBe('KEYS_UNAVAILABLE');
      expect(tx.jwksFetches).toBe(1);
      for (let index = 0; index < 20; index++) {
        const forged = await revokeSet({ signWith: tx.otherKey, header: { kid: `forged-${index}` } });
        expect(await codeOf(sessions.securityEvent(forged, options()))).toBe('KEYS_UNAVAILABLE');
      }
      expect(tx.jwksFetches).toBe(1);
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
      // Nothing was remembered: once the transmitter answers and the 10 s back-off has passed,
      // the same SET is accepted.
      tx.jwksAnswer = 'keys';
      now += 10_000;
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
    });
  }

  it('while discovery answers 500, 20 SETs read each metadata name once; read again once the back-off has passed', async () => {
    const signedIn = await signIn();
    tx.discoveryAnswer = 500;
    for (let index = 0; index < 20; index++) {
      expect(await codeOf(sessions.securityEvent(await revokeSet(), options()))).toBe('KEYS_UNAVAILABLE');
    }
    expect(tx.discoveryFetches).toEqual({ ssf: 1, risc: 1 });
    expect(tx.jwksFetches).toBe(0);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    tx.discoveryAnswer = 'metadata';
    now += 10_000;
    expect(await sessions.securityEvent(await revokeSet(), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    expect(tx.discoveryFetches).toEqual({ ssf: 2, risc: 1 });
  });

  it('an unreachable transmitter rejects KEYS_UNAVAILABLE and keeps the session', async () => {
    const signedIn = await signIn();
    const closed = await startTransmitter();
    await closed.close();
    const set = await closed.sign({ subject: { format: 'opaque', id: 'sid-1' } });
    expect(await codeOf(sessions.securityEvent(set, { transmitters: [closed.config()] }))).toBe('KEYS_UNAVAILABLE');
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });

  it('a hanging JWKS: the SETs waiting share one fetch, and all reject once it fails', async () => {
    const signedIn = await signIn();
    tx.jwksAnswer = 'hang';
    const waiting = Array.from({ length: 5 }, async () => codeOf(sessions.securityEvent(await revokeSet(), options())));
    await tx.hanging();
    tx.releaseHung(503);
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 5 }, () => 'KEYS_UNAVAILABLE'));
    expect(tx.jwksFetches).toBe(1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
  });
});
