import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { DAY, MINUTE, TestClock, UA } from '../support/clock.js';

function setup(options: Parameters<typeof createSessionManager>[0] = {}) {
  const clock = new TestClock();
  const store = options.store ?? memoryStore();
  const sessions = createSessionManager({ ...options, store, clock: clock.read });
  return { clock, store, sessions };
}

async function threeDevices(sessions: SessionManager, userId = 'alice') {
  const laptop = await sessions.create({ userId, userAgent: UA.chromeMac });
  const phone = await sessions.create({ userId, userAgent: UA.safariIphone });
  const work = await sessions.create({ userId, userAgent: UA.firefoxWindows });
  return { laptop, phone, work };
}

describe('the Security page scenarios', () => {
  it('three devices are listed with their labels, this one first', async () => {
    const { sessions, clock } = setup();
    const { laptop, phone } = await threeDevices(sessions);
    clock.advance(3 * 60 * MINUTE);
    await sessions.validate(phone.token);
    const list = await sessions.list('alice', { currentSessionId: laptop.session.id });
    expect(list.map((row) => row.deviceLabel)).toEqual(['Chrome on Mac OS', 'Safari on iOS', 'Firefox on Windows']);
    expect(list.map((row) => row.current)).toEqual([true, false, false]);
    expect(list.map((row) => row.lastUsed)).toEqual(['3 hours ago', 'Just now', '3 hours ago']);
  });

  it('sign out this device ends only this device', async () => {
    const { sessions } = setup();
    const { laptop, phone, work } = await threeDevices(sessions);
    const result = await sessions.signOut(laptop.session);
    expect(result.global).toBe(false);
    expect(await sessions.validate(laptop.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(phone.token)).ok).toBe(true);
    expect((await sessions.validate(work.token)).ok).toBe(true);
    expect((await sessions.list('alice')).map((row) => row.id).sort()).toEqual([phone.session.id, work.session.id].sort());
  });

  it('sign out everywhere ends every device of the user, not other users, not API tokens', async () => {
    const { sessions } = setup();
    const { laptop, phone, work } = await threeDevices(sessions);
    const remember = await sessions.create({ userId: 'alice', kind: 'remember', userAgent: UA.edgeWindows });
    const api = await sessions.create({ userId: 'alice', kind: 'api' });
    const bob = await sessions.create({ userId: 'bob', userAgent: UA.chromeMac });
    await sessions.revokeAll('alice');
    for (const device of [laptop, phone, work, remember]) expect(await sessions.validate(device.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(api.token)).ok).toBe(true);
    expect((await sessions.validate(bob.token)).ok).toBe(true);
    expect((await sessions.list('alice')).map((row) => row.kind)).toEqual(['api']);
  });

  it('signing in again in the very same millisecond as sign out everywhere works', async () => {
    const { sessions, clock } = setup();
    const old = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
    await sessions.revokeAll('alice');
    const fresh = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
    expect(clock.now).toBe(old.session.createdAt);
    expect(fresh.session.createdAt).toBe(clock.now + 1);
    expect((await sessions.validate(fresh.token)).ok).toBe(true);
    expect((await sessions.validate(old.token)).ok).toBe(false);
  });

  it('sign out everywhere can name the API kind or all kinds', async () => {
    const { sessions } = setup();
    const api = await sessions.create({ userId: 'alice', kind: 'api' });
    const browser = await sessions.create({ userId: 'alice' });
    await sessions.revokeAll('alice', { kinds: ['api'] });
    expect((await sessions.validate(api.token)).ok).toBe(false);
    expect((await sessions.validate(browser.token)).ok).toBe(true);
    await sessions.revokeAll('alice', { kinds: 'all' });
    expect((await sessions.validate(browser.token)).ok).toBe(false);
  });

  it('log out other devices keeps this device with its token', async () => {
    const { sessions } = setup();
    const { laptop, phone, work } = await threeDevices(sessions);
    const { revokedIds } = await sessions.revokeOthers('alice', laptop.session.id);
    expect([...revokedIds].sort()).toEqual([phone.session.id, work.session.id].sort());
    expect((await sessions.validate(laptop.token)).ok).toBe(true);
    expect(await sessions.validate(phone.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.list('alice', { currentSessionId: laptop.session.id })).map((row) => row.current)).toEqual([true]);
  });

  it('a session expires 30 days after sign-in, to the millisecond, and is then pruned', async () => {
    const { sessions, clock } = setup();
    const { token, session } = await sessions.create({ userId: 'alice' });
    expect(session.expiresAt - session.createdAt).toBe(30 * DAY);
    clock.set(session.expiresAt - 1);
    expect((await sessions.validate(token)).ok).toBe(true);
    clock.set(session.expiresAt);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessions.list('alice')).toEqual([]);
    expect(await sessions.prune()).toBe(1);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('activity never extends the absolute lifetime', async () => {
    const { sessions, clock } = setup();
    const { token, session } = await sessions.create({ userId: 'alice' });
    for (let day = 1; day < 30; day++) {
      clock.set(session.createdAt + day * DAY);
      expect((await sessions.validate(token)).ok).toBe(true);
    }
    clock.set(session.expiresAt);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('a revoked session says revoked until its expiry, then expired, then not found', async () => {
    const { sessions, clock } = setup();
    const { token, session } = await sessions.create({ userId: 'alice' });
    await sessions.revoke(session.id);
    clock.set(session.expiresAt - 1);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    clock.set(session.expiresAt);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
    await sessions.prune();
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('two managers whose clocks differ by 5 s agree through one store', async () => {
    const store = memoryStore();
    const ahead = new TestClock();
    const behind = new TestClock(ahead.now - 5_000);
    const a = createSessionManager({ store, clock: ahead.read });
    const b = createSessionManager({ store, clock: behind.read });
    const onA = await a.create({ userId: 'alice' });
    // B's clock is 5 s behind A's: its epoch still covers the session A created.
    const { epochs } = await b.revokeAll('alice');
    expect(epochs['browser']).toBeGreaterThanOrEqual(onA.session.createdAt);
    expect((await a.validate(onA.token)).ok).toBe(false);
    expect((await b.validate(onA.token)).ok).toBe(false);
    // A sign-in on B right away is born after the epoch and valid on both.
    const onB = await b.create({ userId: 'alice' });
    expect(onB.session.createdAt).toBe(epochs['browser']! + 1);
    expect((await a.validate(onB.token)).ok).toBe(true);
    // A later raise from the slow clock never moves the epoch backwards.
    behind.advance(1);
    const again = await b.revokeAll('alice', { kinds: ['remember'] });
    expect((await store.readUser('alice')).epochs['browser']).toBe(epochs['browser']);
    expect(again.epochs['remember']).toBeGreaterThan(0);
    expect((await a.validate(onB.token)).ok).toBe(true);
  });
});

describe('exact boundaries', () => {
  it('refuses a session at createdAt == epoch and accepts one at epoch + 1', async () => {
    const { sessions, clock } = setup();
    const same = await sessions.create({ userId: 'alice' });
    const { epochs } = await sessions.revokeAll('alice');
    expect(epochs['browser']).toBe(same.session.createdAt);
    expect(await sessions.validate(same.token)).toEqual({ ok: false, reason: 'revoked' });
    const after = await sessions.create({ userId: 'alice' });
    expect(after.session.createdAt).toBe(epochs['browser']! + 1);
    expect((await sessions.validate(after.token)).ok).toBe(true);
    clock.advance(1);
    expect((await sessions.validate(after.token)).ok).toBe(true);
  });

  it('idle timeout refuses exactly at lastUsedAt + idleTimeout', async () => {
    const { sessions, clock } = setup({ idleTimeout: 10 * MINUTE, touchInterval: MINUTE });
    const { token, session } = await sessions.create({ userId: 'alice' });
    clock.set(session.createdAt + 10 * MINUTE - 1);
    expect((await sessions.validate(token)).ok).toBe(true);
    clock.set(session.createdAt + 20 * MINUTE - 2);
    expect((await sessions.validate(token)).ok).toBe(true);
    clock.set(session.createdAt + 30 * MINUTE - 2);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'idle' });
  });

  it('per-kind lifetimes apply', async () => {
    const { sessions, clock } = setup({ kinds: { remember: { maxAge: 90 * DAY }, api: { maxAge: 365 * DAY } } });
    const remember = await sessions.create({ userId: 'alice', kind: 'remember' });
    const browser = await sessions.create({ userId: 'alice' });
    expect(remember.session.expiresAt - remember.session.createdAt).toBe(90 * DAY);
    clock.advance(31 * DAY);
    expect((await sessions.validate(browser.token)).ok).toBe(false);
    expect((await sessions.validate(remember.token)).ok).toBe(true);
  });
});

describe('kinds and ids named like Object properties', () => {
  it('signing out everywhere in such a kind signs out, a sign-in right after works, and lists stay readable', async () => {
    // The kind names a manager accepts (lowercase, starting with a letter).
    const { sessions, clock } = setup({ kinds: { constructor: {} } });
    for (const kind of ['constructor', 'browser']) {
      const user = `${kind}-user`;
      const first = await sessions.create({ userId: user, kind, tenantId: kind });
      expect((await sessions.validate(first.token)).ok).toBe(true);
      clock.advance(10);
      const result = await sessions.revokeAll(user, { kinds: [kind] });
      expect(Number.isSafeInteger(result.epochs[kind])).toBe(true);
      expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
      clock.advance(10);
      const second = await sessions.create({ userId: user, kind, tenantId: kind });
      expect([Number.isSafeInteger(second.session.createdAt), Number.isSafeInteger(second.session.expiresAt)]).toEqual([true, true]);
      expect((await sessions.validate(second.token)).ok).toBe(true);
      expect((await sessions.list(user)).map((view) => view.id)).toEqual([second.session.id]);
    }
  });
});
