import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionManager, memoryStore, rpLogoutUrl, SessionError, type SessionManager, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { startHomeIssuer, type HomeIssuer, type TokenShape } from './support/issuer.js';

let idp: HomeIssuer;
let issuer: string;
beforeAll(async () => {
  idp = await startHomeIssuer(CLIENT);
  issuer = idp.issuer;
});
afterAll(() => idp.close());

const CLIENT = 'app-client';
const options = () => ({ issuers: [{ issuer, clientId: CLIENT }] });
const logoutToken = (shape?: TokenShape) => idp.logoutToken(shape);
const unsigned = () => idp.unsigned();

describe('sessions.backchannelLogout()', () => {
  let sessions: SessionManager;
  let store: ReturnType<typeof memoryStore>;
  beforeEach(() => {
    store = memoryStore();
    sessions = createSessionManager({ store });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const signInTwice = async () => {
    const one = await sessions.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-1' } });
    const two = await sessions.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-2' } });
    const local = await sessions.create({ userId: 'u1' });
    return { one, two, local };
  };

  it("a device kept signed in through an email or password change is still ended by its provider session's logout", async () => {
    const keeping = createSessionManager({ store: memoryStore(), policy: { onPasswordChange: 'others' } });
    for (const change of ['emailChanged', 'passwordChanged'] as const) {
      const signedIn = await keeping.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: `sid-${change}` } });
      const kept = await keeping[change]('u1', { currentSessionId: signedIn.session.id });
      expect(kept.session).toBeDefined();
      const result = await keeping.backchannelLogout(await logoutToken({ claims: { sid: `sid-${change}` } }), options());
      expect(result).toEqual({ ok: true, issuer, revokedIds: [kept.session!.id] });
      expect(await keeping.validate(kept.token!)).toEqual({ ok: false, reason: 'revoked' });
    }
    await keeping.close();
  });

  it('with sid, ends the sessions of that provider session only, reason idp_logout', async () => {
    const { one, two, local } = await signInTwice();
    const events: unknown[] = [];
    sessions.on('session.revoked', (event) => {
      events.push(event.reason);
    });
    const result = await sessions.backchannelLogout(await logoutToken(), options());
    expect(result).toEqual({ ok: true, issuer, revokedIds: [one.session.id] });
    expect(await sessions.validate(one.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(two.token)).ok).toBe(true);
    expect((await sessions.validate(local.token)).ok).toBe(true);
    expect(events).toEqual(['idp_logout']);
    const activity = await sessions.activity('u1');
    expect(activity[0]).toMatchObject({ type: 'session.revoked', reason: 'idp_logout', sessionId: one.session.id });
  });

  it('judges and ends a session the token names in the batch that ends it, with no read of the session alone, and still records its activity', async () => {
    const reads: string[] = [];
    const counted = createSessionManager({ store: { ...store, get: (sessionId) => (reads.push(sessionId), store.get(sessionId)), readUser: (userId, ...rest) => (reads.push(userId), store.readUser(userId, ...rest)) } });
    const { one } = await signInTwice();
    expect(await counted.backchannelLogout(await logoutToken(), options())).toEqual({ ok: true, issuer, revokedIds: [one.session.id] });
    // The user is read by the two lookups (by sid, by sub) and by the batch.
    expect(reads).toEqual(['u1', 'u1', 'u1']);
    expect((await counted.activity('u1'))[0]).toMatchObject({ type: 'session.revoked', reason: 'idp_logout', sessionId: one.session.id });
    await counted.close();
  });

  it('with sub alone, ends every session of that user from that issuer', async () => {
    const { one, two, local } = await signInTwice();
    const result = await sessions.backchannelLogout(await logoutToken({ drop: ['sid'] }), options());
    expect(result.ok && [...result.revokedIds].sort()).toEqual([one.session.id, two.session.id].sort());
    expect((await sessions.validate(local.token)).ok).toBe(true);
  });

  it('with sid and sub, also ends that user\'s sessions from that issuer recorded without any sid (they cannot be told apart)', async () => {
    const { one, two, local } = await signInTwice();
    const withoutSid = await sessions.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice' } });
    const someoneElse = await sessions.create({ userId: 'u2', federated: { iss: issuer, sub: 'bob' } });
    const result = await sessions.backchannelLogout(await logoutToken(), options());
    expect(result.ok && [...result.revokedIds].sort()).toEqual([one.session.id, withoutSid.session.id].sort());
    for (const kept of [two, local, someoneElse]) expect((await sessions.validate(kept.token)).ok).toBe(true);
    // With sid alone, no sub to match: the sid-less session of alice stays.
    const later = await sessions.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice' } });
    expect(await sessions.backchannelLogout(await logoutToken({ claims: { sid: 'sid-2' }, drop: ['sub'] }), options())).toEqual({ ok: true, issuer, revokedIds: [two.session.id] });
    expect((await sessions.validate(later.token)).ok).toBe(true);
  });

  it('leaves sessions already ended as they are: no event, no activity entry, not among the ended', async () => {
    // A clock of our own, so a session can expire; the provider's token is checked against it too.
    let now = Date.now();
    const manager = createSessionManager({ store: memoryStore(), clock: () => now, maxAge: 60 * 60_000 });
    const everywhere = await manager.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-1' } });
    await manager.revokeAll('u1');
    const revoked = await manager.create({ userId: 'u2', federated: { iss: issuer, sub: 'bob', sid: 'sid-2' } });
    await manager.revoke(revoked.session.id);
    const live = await manager.create({ userId: 'u3', federated: { iss: issuer, sub: 'carol', sid: 'sid-3' } });
    const expired = await manager.create({ userId: 'u4', federated: { iss: issuer, sub: 'dave', sid: 'sid-4' } });
    const activityBefore = await Promise.all(['u1', 'u2', 'u4'].map((userId) => manager.activity(userId)));
    const events: unknown[] = [];
    manager.on('session.revoked', (event) => void events.push(event.sessionIds));
    const logout = async (sub: string, sid: string) => manager.backchannelLogout(await logoutToken({ claims: { sub, sid, iat: Math.floor(now / 1000) } }), options());
    expect(await logout('alice', 'sid-1')).toEqual({ ok: true, issuer, revokedIds: [] });
    expect(await logout('bob', 'sid-2')).toEqual({ ok: true, issuer, revokedIds: [] });
    expect(await logout('carol', 'sid-3')).toEqual({ ok: true, issuer, revokedIds: [live.session.id] });
    now += 60 * 60_000;
    expect(await logout('dave', 'sid-4')).toEqual({ ok: true, issuer, revokedIds: [] });
    expect(events).toEqual([[live.session.id]]);
    expect(await Promise.all(['u1', 'u2', 'u4'].map((userId) => manager.activity(userId)))).toEqual(activityBefore);
    for (const ended of [everywhere, revoked, expired]) expect((await manager.validate(ended.token)).ok).toBe(false);
    await manager.close();
  });

  it('an idle session is ended too, on an instance without accessTokens as well: its access tokens from another instance still work', async () => {
    let now = Date.now();
    const idleAfter = { kinds: { browser: { idleTimeout: 60_000 } }, clock: () => now };
    const store = memoryStore();
    const web = createSessionManager({ store, ...idleAfter });
    const api = createSessionManager({ store, ...idleAfter, accessTokens: { secret: 'x'.repeat(32) } });
    const idle = await web.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-1' } });
    const accessToken = await api.issueAccessToken(idle.session);
    now += 61_000;
    const token = () => logoutToken({ claims: { iat: Math.floor(now / 1000) } });
    expect((await web.validate(idle.token)).ok).toBe(false);
    // Using an access token never touches its session, so idleness does not stop it.
    expect((await api.verifyAccessToken(accessToken)).ok).toBe(true);
    expect(await web.backchannelLogout(await token(), options())).toEqual({ ok: true, issuer, revokedIds: [idle.session.id] });
    expect(await api.verifyAccessToken(accessToken)).toEqual({ ok: false, reason: 'revoked' });
    await Promise.all([web.close(), api.close()]);
  });

  it('shows where each session came from in list()', async () => {
    const { one } = await signInTwice();
    const views = await sessions.list('u1');
    expect(views.find((view) => view.id === one.session.id)!.federated).toEqual({ iss: issuer, sub: 'alice', sid: 'sid-1' });
    expect(views.filter((view) => view.federated === undefined)).toHaveLength(1);
  });

  it('refuses federated input that is not three bounded strings', async () => {
    for (const federated of [{ iss: issuer }, { iss: issuer, sub: '' }, { iss: issuer, sub: 'a', sid: 7 }, { iss: 'x'.repeat(600), sub: 'a' }, { iss: issuer, sub: 'a', extra: 1 }]) {
      await expect(sessions.create({ userId: 'u1', federated: federated as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(await sessions.list('u1')).toEqual([]);
  });

  const hostile: [string, () => Promise<string>, string][] = [
    ['signed by another key', () => logoutToken({ signWith: idp.otherKey }), 'bad_signature'],
    ['for another audience', () => logoutToken({ claims: { aud: 'someone-else' } }), 'bad_audience'],
    ['without events', () => logoutToken({ drop: ['events'] }), 'missing_event'],
    ['with another event', () => logoutToken({ claims: { events: { 'http://example.com/other': {} } } }), 'missing_event'],
    ['with a nonce', () => logoutToken({ claims: { nonce: 'n' } }), 'nonce_present'],
    ['with a stale iat', () => logoutToken({ claims: { iat: Math.floor(Date.now() / 1000) - 3600 } }), 'bad_iat'],
    ['without iat', () => logoutToken({ drop: ['iat'] }), 'bad_iat'],
    ['expired', () => logoutToken({ claims: { exp: Math.floor(Date.now() / 1000) - 120 } }), 'expired'],
    ['without jti', () => logoutToken({ drop: ['jti'] }), 'missing_jti'],
    ['without sid or sub', () => logoutToken({ drop: ['sid', 'sub'] }), 'missing_subject'],
    ['of another type', () => logoutToken({ header: { typ: 'JWT' } }), 'bad_type'],
    ['from an unknown issuer', () => logoutToken({ claims: { iss: 'https://evil.example' } }), 'unknown_issuer'],
    ['with alg none', async () => unsigned(), 'bad_algorithm'],
    ['oversized', () => logoutToken({ claims: { padding: 'x'.repeat(10_000) } }), 'too_large'],
    ['not a JWT', async () => 'not.a.jwt', 'malformed'],
  ];
  for (const [name, make, reason] of hostile) {
    it(`refuses a token ${name} (${reason}) and ends nothing`, async () => {
      const { one, two } = await signInTwice();
      expect(await sessions.backchannelLogout(await make(), options())).toEqual({ ok: false, reason });
      expect((await sessions.validate(one.token)).ok).toBe(true);
      expect((await sessions.validate(two.token)).ok).toBe(true);
    });
  }

  it('refuses a replay, even of a token naming a session signed in since', async () => {
    const token = await logoutToken({ drop: ['sid'] });
    expect((await sessions.backchannelLogout(token, options())).ok).toBe(true);
    const later = await sessions.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice' } });
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    expect((await sessions.validate(later.token)).ok).toBe(true);
  });

  it('ends the sessions on the provider\'s retry when revoking failed the first time', async () => {
    // A real memory store whose next revoke fails, as a store does when its server drops a write.
    const { store: flaky, failing } = flakyStore();
    const manager = createSessionManager({ store: flaky });
    const signedIn = await manager.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await logoutToken();
    failing.add('revoke');
    await expect(manager.backchannelLogout(token, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((await manager.validate(signedIn.token)).ok).toBe(true);
    // The provider delivers the same token again: it is not a replay, and the session ends.
    expect(await manager.backchannelLogout(token, options())).toEqual({ ok: true, issuer, revokedIds: [signedIn.session.id] });
    expect(await manager.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    // Once it succeeded, the same token is a replay.
    expect(await manager.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
  });

  it("when keeping the token's id fails once the session ended, the call rejects, the retry answers ok ending nothing more, and a third is a replay", async () => {
    const { store: flaky, failing } = flakyStore();
    const manager = createSessionManager({ store: flaky });
    const signedIn = await manager.create({ userId: 'u1', federated: { iss: issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await logoutToken();
    failing.add('keep');
    await expect(manager.backchannelLogout(token, options())).rejects.toThrow('keep failed');
    expect((await manager.validate(signedIn.token)).ok).toBe(false);
    expect(await manager.backchannelLogout(token, options())).toEqual({ ok: true, issuer, revokedIds: [] });
    expect(await manager.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
  });

  it('fetches the keys again for a kid it has not seen (once the fetch cooldown has passed)', async () => {
    const { one } = await signInTwice();
    expect((await sessions.backchannelLogout(await logoutToken({ claims: { sid: 'nobody' } }), options())).ok).toBe(true);
    await idp.publishKey();
    // jose fetches a key set at most once per 30 s: move the clock (Date only) past that.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await sessions.backchannelLogout(await logoutToken(), options())).toEqual({ ok: true, issuer, revokedIds: [one.session.id] });
  });

  it('refuses symmetric algorithms and unknown options in its configuration', async () => {
    const token = await logoutToken();
    await expect(sessions.backchannelLogout(token, { issuers: [{ issuer, clientId: CLIENT, algorithms: ['HS256'] }] })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    await expect(sessions.backchannelLogout(token, { issuers: [{ issuer, clientId: CLIENT, algorithms: ['none'] }] })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    await expect(sessions.backchannelLogout(token, { issuers: [] })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    await expect(sessions.backchannelLogout(token, { issuers: [undefined] } as never)).rejects.toMatchObject({
      code: 'INVALID_CONFIGURATION',
      message: expect.stringContaining('each issuer must be an object (got undefined)'),
    });
    await expect(sessions.backchannelLogout(token, { ...options(), extra: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
  });

  it('answers keys_unavailable when the provider cannot be reached', async () => {
    const result = await sessions.backchannelLogout(await logoutToken(), { issuers: [{ issuer, clientId: CLIENT, jwksUri: 'http://127.0.0.1:1/jwks' }] });
    expect(result).toEqual({ ok: false, reason: 'keys_unavailable' });
  });
});

describe('rpLogoutUrl()', () => {
  it('adds the logout parameters to the end-session endpoint, keeping its own query', () => {
    const url = new URL(rpLogoutUrl({ endSessionEndpoint: 'https://idp.example/logout?x=1', idTokenHint: 'h', postLogoutRedirectUri: 'https://app.example/bye', state: 's' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ x: '1', id_token_hint: 'h', post_logout_redirect_uri: 'https://app.example/bye', state: 's' });
    expect(rpLogoutUrl({ issuerMetadata: { end_session_endpoint: 'https://idp.example/end' }, clientId: 'c' })).toBe('https://idp.example/end?client_id=c');
  });

  it('refuses a provider without an end-session endpoint', () => {
    expect(() => rpLogoutUrl({ issuerMetadata: {} })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // Not a provider's URL: its configuration is wrong.
    expect(() => rpLogoutUrl({ endSessionEndpoint: 'javascript:alert(1)' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });
});

/**
 * A real memory store whose next batch of a kind fails as a store does when its server drops a
 * write: `revoke` (a batch ending sessions), `release` (a batch deleting a one-time key).
 */
function flakyStore() {
  const inner = memoryStore();
  const failing = new Set<'revoke' | 'keep'>();
  const kindOf = (batch: Batch) => (batch.writes.some((write) => write.type === 'revoke') ? 'revoke' : batch.writes.some((write) => write.type === 'putKey' && write.key.startsWith('once:')) && batch.version === undefined ? 'keep' : undefined);
  const store: SessionStore = {
    ...inner,
    apply(batch) {
      const kind = kindOf(batch);
      if (kind === undefined || !failing.delete(kind)) return inner.apply(batch);
      return Promise.reject(new SessionError('STORE_UNAVAILABLE', `${kind} failed (injected).`));
    },
  };
  return { store, failing };
}
