import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import { instrument } from '../support/counting-store.js';
import { MINUTE, TestClock } from '../support/clock.js';

function setup(options: { touchInterval?: number } = {}) {
  const clock = new TestClock();
  const store = instrument(memoryStore());
  const sessions = createSessionManager({ ...options, store, clock: clock.read });
  return { clock, store, sessions };
}

describe('validate', () => {
  it('hands out <id>.<secret> tokens and stores only the id and SHA-256 of the secret', async () => {
    const { sessions, store } = setup();
    const { token, session } = await sessions.create({ userId: 'alice' });
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const [id, secret] = token.split('.');
    expect(session.id).toBe(id);
    const stored = (await store.get(id!))!.session;
    const { createHash } = await import('node:crypto');
    expect(Buffer.from(stored.secretHash).equals(createHash('sha256').update(secret!).digest())).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secret!);
  });

  it.each([
    ['undefined', undefined, 'missing'],
    ['null', null, 'missing'],
    ['empty', '', 'missing'],
    ['short', 'abc', 'malformed'],
    ['huge', 'a'.repeat(100_000), 'malformed'],
    ['non-ASCII', `${'é'.repeat(22)}.${'ü'.repeat(43)}`, 'malformed'],
    ['wrong alphabet', `${'a'.repeat(22)}.${'+'.repeat(43)}`, 'malformed'],
    ['no dot', 'a'.repeat(66), 'malformed'],
    ['number', 42, 'malformed'],
    ['object', { token: 'x' }, 'malformed'],
    ['array', ['a'], 'malformed'],
  ])('refuses %s input without touching the store', async (_name, input, reason) => {
    const { sessions, store } = setup();
    expect(await sessions.validate(input)).toEqual({ ok: false, reason });
    expect(store.total()).toBe(0);
  });

  it('refuses a right id with a wrong secret as not found', async () => {
    const { sessions } = setup();
    const { token } = await sessions.create({ userId: 'alice' });
    const forged = `${token.slice(0, 23)}${token.at(23) === 'A' ? 'B' : 'A'}${token.slice(24)}`;
    expect(await sessions.validate(forged)).toEqual({ ok: false, reason: 'not_found' });
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('answers a session that did not rotate without a rotatedToken member', async () => {
    const { sessions } = setup();
    const { token } = await sessions.create({ userId: 'alice' });
    const result = await sessions.validate(token);
    expect(result.ok).toBe(true);
    expect(Object.keys(result).sort()).toEqual(['ok', 'session']);
  });

  it('is one store read and no write until the touch interval passed', async () => {
    const { sessions, store, clock } = setup({ touchInterval: MINUTE });
    const { token, session } = await sessions.create({ userId: 'alice' });
    store.calls.clear();
    for (let second = 1; second < 60; second += 10) {
      clock.set(session.createdAt + second * 1_000);
      expect((await sessions.validate(token)).ok).toBe(true);
    }
    expect([...store.calls]).toEqual([['get', 6]]);
    clock.set(session.createdAt + MINUTE);
    const result = await sessions.validate(token);
    expect(result.ok && result.session.lastUsedAt).toBe(session.createdAt + MINUTE);
    expect(store.calls.get('touch')).toBe(1);
    expect((await store.get(session.id))!.session.lastUsedAt).toBe(session.createdAt + MINUTE);
  });

  it('throws STORE_UNAVAILABLE when the store is down, never a verdict', async () => {
    const { sessions, store } = setup();
    const { token } = await sessions.create({ userId: 'alice' });
    store.failing = true;
    const error = await sessions.validate(token).catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('STORE_UNAVAILABLE');
    store.failing = false;
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('wraps unexpected store errors in SessionError STORE_ERROR with the cause', async () => {
    const inner = memoryStore();
    const boom = new Error('disk on fire');
    const sessions = createSessionManager({ store: { ...inner, get: () => Promise.reject(boom) } });
    const error = await sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).code).toBe('STORE_ERROR');
    expect((error as SessionError).cause).toBe(boom);
  });

  it('revokes a token presented at sign-in (no fixation), but only a genuine one', async () => {
    const { sessions } = setup();
    const old = await sessions.create({ userId: 'alice' });
    const other = await sessions.create({ userId: 'bob' });
    const forged = `${other.session.id}.${'A'.repeat(43)}`;
    const fresh = await sessions.create({ userId: 'alice', previousToken: old.token });
    await sessions.create({ userId: 'mallory', previousToken: forged });
    expect(fresh.token).not.toBe(old.token);
    expect(await sessions.validate(old.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(other.token)).ok).toBe(true);
  });

  it("another user's presented token that cannot be ended once the new session is stored is reported, and the sign-in still answers its token", async () => {
    const inner = memoryStore();
    let failRevoke = false;
    const store: SessionStore = { ...inner, apply: (batch) => (failRevoke && batch.writes.some((write) => write.type === 'revoke') ? Promise.reject(new SessionError('STORE_UNAVAILABLE', 'revoke failed (injected).')) : inner.apply(batch)) };
    const errors: unknown[] = [];
    const sessions = createSessionManager({ store, onError: (error) => void errors.push(error) });
    // The user's own presented session ends in the sign-in's batch; another user's, in a batch of theirs after it.
    const old = await sessions.create({ userId: 'bob' });
    failRevoke = true;
    const fresh = await sessions.create({ userId: 'alice', previousToken: old.token });
    failRevoke = false;
    expect((await sessions.validate(fresh.token)).ok).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'STORE_UNAVAILABLE' })]);
    // Left as it was: ended by the user's list or "sign out everywhere", or its own expiry.
    expect((await sessions.validate(old.token)).ok).toBe(true);
  });
});

describe('input and configuration errors', () => {
  it.each([
    ['no user', {}],
    ['empty user', { userId: '' }],
    ['huge user', { userId: 'u'.repeat(300) }],
    ['unknown kind', { userId: 'a', kind: 'robot' }],
    ['non-object data', { userId: 'a', data: [1] }],
    ['huge data', { userId: 'a', data: { blob: 'x'.repeat(9_000) } }],
  ])('create refuses %s with INVALID_INPUT', async (_name, input) => {
    const sessions = createSessionManager();
    const error = await sessions.create(input as never).catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('INVALID_INPUT');
  });

  it.each([
    ['infinite maxAge', { maxAge: Number.POSITIVE_INFINITY }],
    ['zero maxAge', { maxAge: 0 }],
    ['negative idle', { idleTimeout: -1 }],
    ['bad kind name', { kinds: { 'Bad Kind': {} } }],
    ['unknown everywhere kind', { everywhereKinds: ['robot'] }],
    ['bad password policy', { policy: { onPasswordChange: 'some' as never } }],
    ['short HMAC secret', { accessTokens: { secret: 'short' } }],
  ])('refuses %s at startup with INVALID_CONFIGURATION', (_name, options) => {
    let error: unknown;
    try {
      createSessionManager(options);
    } catch (caught) {
      error = caught;
    }
    expect(isSessionError(error) && error.code).toBe('INVALID_CONFIGURATION');
  });

  it('declared kinds can be used and are covered by "all", as api is', async () => {
    const sessions = createSessionManager({ kinds: { kiosk: { maxAge: MINUTE * 30 } } });
    const kiosk = await sessions.create({ userId: 'a', kind: 'kiosk' });
    const api = await sessions.create({ userId: 'a', kind: 'api' });
    expect(kiosk.session.expiresAt - kiosk.session.createdAt).toBe(MINUTE * 30);
    await sessions.revokeAll('a', { kinds: ['browser'] });
    expect((await sessions.validate(kiosk.token)).ok).toBe(true);
    await sessions.revokeAll('a', { kinds: 'all' });
    expect((await sessions.validate(kiosk.token)).ok).toBe(false);
    expect((await sessions.validate(api.token)).ok).toBe(false);
  });

  it('a closed manager refuses work with CLOSED', async () => {
    const sessions = createSessionManager();
    const { token } = await sessions.create({ userId: 'a' });
    await sessions.close();
    const error = await sessions.validate(token).catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('CLOSED');
  });

  it('recognises a SessionError from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('session-revocation.SessionError')]: true, code: 'CLOSED' });
    expect(isSessionError(foreign)).toBe(true);
    expect(isSessionError(new Error('x'))).toBe(false);
  });
});

describe('validate: idle timeouts', () => {
  it('refuses a session idle for its kind\'s idleTimeout, on the synchronous and the store path', async () => {
    for (const wrap of [(store: ReturnType<typeof memoryStore>) => store, (store: ReturnType<typeof memoryStore>) => ({ ...store })]) {
      const clock = new TestClock();
      const sessions = createSessionManager({ store: wrap(memoryStore()), clock: clock.read, idleTimeout: 30 * MINUTE, touchInterval: MINUTE });
      const { token } = await sessions.create({ userId: 'alice' });
      clock.advance(30 * MINUTE - 1);
      expect((await sessions.validate(token)).ok).toBe(true);
      clock.advance(30 * MINUTE);
      expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'idle' });
    }
  });

  it('judges a stored session of a kind this instance does not declare without an idle timeout', async () => {
    const clock = new TestClock();
    const store = memoryStore();
    const other = createSessionManager({ store, clock: clock.read, kinds: { kiosk: {} } });
    const { token } = await other.create({ userId: 'alice', kind: 'kiosk' });
    const sessions = createSessionManager({ store, clock: clock.read, idleTimeout: MINUTE, touchInterval: 0 });
    clock.advance(10 * MINUTE);
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});
