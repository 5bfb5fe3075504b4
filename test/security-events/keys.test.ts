import { createServer } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, isSessionError, memoryStore, type SessionManager } from '../../src/index.js';
import { listen } from '../frameworks/listen.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// The transmitter's keys: discovered from SSF metadata (SSF 1.0 sections 4.1.4 and 7.2), an
// unknown kid is the SET's fault (RFC 8935 section 2.4 invalid_key) once the keys were fetched
// after it came, and costs at most one JWKS fetch; keys that cannot be read are the transmitter's (KEYS_UNAVAILABLE, a 503 on the route),
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

  it('an unknown kid is invalid_key once the keys were fetched after the SET came, and costs at most one JWKS fetch however many SETs name one', async () => {
    const signedIn = await signIn();
    // Fetched for this SET: a kid the keys lack is the SET's fault.
    expect(await sessions.securityEvent(await revokeSet({ header: { kid: 'made-up' } }), options())).toMatchObject({ ok: false, err: 'invalid_key' });
    // Within the 30 s before jose fetches again, a key published since could be the one: sent again (503), never refused for good.
    for (let index = 0; index < 20; index++) {
      expect(await codeOf(sessions.securityEvent(await revokeSet({ header: { kid: `made-up-${index}` } }), options()))).toBe('KEYS_UNAVAILABLE');
    }
    expect(tx.jwksFetches).toBe(1);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.securityEvent(await revokeSet({ header: { kid: 'made-up-again' } }), options())).toMatchObject({ ok: false, err: 'invalid_key' });
    expect(tx.jwksFetches).toBe(2);
  });

  it('a SET signed with a key published after the last fetch, within 30 s of it, is KEYS_UNAVAILABLE (a 503: sent again), and acted on once the keys may be fetched again', async () => {
    const signedIn = await signIn();
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.verification }), options())).toMatchObject({ ok: true });
    await tx.publishKey();
    const set = await revokeSet();
    const refused = await sessions.securityEvent(set, options()).catch((error: unknown) => error);
    expect(isSessionError(refused) && refused.code).toBe('KEYS_UNAVAILABLE');
    expect((refused as Error).message).toBe(`securityEvent(): the SET names a key that ${tx.issuer}'s keys, fetched less than 30 s ago, lack; they are fetched again 30 s after the last fetch, so it is to be sent again.`);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
    expect(tx.jwksFetches).toBe(2);
  });

  it('a SET that comes while a key fetch asked for before it is under way, naming a key published meanwhile, is KEYS_UNAVAILABLE too', async () => {
    // A JWKS in front of the transmitter's that reads the keys when asked and answers when released, as a provider's answer is decided before it arrives.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let read!: () => void;
    const keysRead = new Promise<void>((resolve) => (read = resolve));
    const proxy = createServer((_request, response) => {
      void (async () => {
        const body = await (await fetch(`${tx.issuer}/jwks`)).text();
        read();
        await released;
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      })();
    });
    const app = await listen(proxy);
    const slow = { transmitters: [tx.config({ jwksUri: `${app.url}/jwks` })] };
    try {
      const signedIn = await signIn();
      const first = sessions.securityEvent(await tx.sign({ type: EVENTS.verification }), slow);
      await keysRead;
      await tx.publishKey();
      const second = codeOf(sessions.securityEvent(await revokeSet(), slow));
      // No I/O comes before the second's key lookup, so it starts before the fetch's answer can arrive, however soon it is released.
      release();
      expect(await first).toMatchObject({ ok: true });
      expect(await second).toBe('KEYS_UNAVAILABLE');
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    } finally {
      release();
      await app.close();
    }
  });

  it('pushed, such a SET is answered 503 with Retry-After and not reported (anyone can name a made-up kid), then 202 once the keys may be fetched again', async () => {
    const signedIn = await signIn();
    const reports: unknown[] = [];
    const server = express();
    server.use(sessionMiddleware(sessions, { onError: (error) => void reports.push(error) }));
    server.use(sessionRoutes(sessions, { securityEvents: options() }));
    const app = await listen(createServer(server));
    try {
      const push = (set: string) => fetch(`${app.url}/sessions/security-events`, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt' }, body: set });
      expect((await push(await tx.sign({ type: EVENTS.verification }))).status).toBe(202);
      await tx.publishKey();
      const set = await revokeSet();
      const first = await push(set);
      expect([first.status, first.headers.get('retry-after')]).toEqual([503, '5']);
      for (let index = 0; index < 20; index++) expect((await push(await revokeSet({ header: { kid: `forged-${index}` }, signWith: tx.otherKey }))).status).toBe(503);
      expect(reports).toEqual([]);
      expect(tx.jwksFetches).toBe(1);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 31_000);
      expect((await push(set)).status).toBe(202);
      expect((await sessions.validate(signedIn.token)).ok).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('polled, such a SET is left unacknowledged and acted on in a round once the keys may be fetched again', async () => {
    const signedIn = await signIn();
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.verification }), options())).toMatchObject({ ok: true });
    await tx.publishKey();
    const set = await revokeSet();
    tx.queue(set);
    const poll = { transmitter: tx.config(), endpoint: tx.pollUrl };
    expect(await codeOf(sessions.pollSecurityEvents(poll))).toBe('KEYS_UNAVAILABLE');
    expect(tx.pending).toEqual([set]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.pollSecurityEvents(poll)).toEqual({ accepted: 1, refused: 0, moreAvailable: false });
    expect(tx.pending).toEqual([]);
    expect((await sessions.validate(signedIn.token)).ok).toBe(false);
  });

  it('polled, SETs naming a key not fetched yet hold up none behind them: those are acted on and acknowledged, the round rejects with the first deferral', async () => {
    const signedIn = await signIn();
    // The first is judged on keys fetched for it (invalid_key); the next two come within 30 s of that fetch.
    const unknown = [];
    for (let index = 0; index < 3; index++) unknown.push(await revokeSet({ header: { kid: 'withdrawn' }, signWith: tx.otherKey }));
    tx.queue(...unknown, await revokeSet());
    expect(await codeOf(sessions.pollSecurityEvents({ transmitter: tx.config(), endpoint: tx.pollUrl }))).toBe('KEYS_UNAVAILABLE');
    expect((await sessions.validate(signedIn.token)).ok).toBe(false);
    expect(tx.pending).toEqual(unknown.slice(1));
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
