import { describe, expect, it, vi } from 'vitest';
import { createSessionManager, type SessionEvent } from '../../src/index.js';
import { instrument } from '../support/counting-store.js';
import { overriding } from '../support/overriding.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TestClock, UA } from '../support/clock.js';

describe('global logout', () => {
  it('follows a per-tenant setting: on for one tenant, off for another', async () => {
    const enabled = new Set(['acme']);
    const sessions = createSessionManager({ policy: { globalLogout: async ({ tenantId }) => enabled.has(tenantId ?? '') } });
    const acmeLaptop = await sessions.create({ userId: 'ann', tenantId: 'acme', userAgent: UA.chromeMac });
    const acmePhone = await sessions.create({ userId: 'ann', tenantId: 'acme', userAgent: UA.safariIphone });
    const globexLaptop = await sessions.create({ userId: 'gus', tenantId: 'globex', userAgent: UA.chromeMac });
    const globexPhone = await sessions.create({ userId: 'gus', tenantId: 'globex', userAgent: UA.safariIphone });

    expect(await sessions.signOut(acmeLaptop.session)).toEqual({ global: true });
    expect((await sessions.validate(acmeLaptop.token)).ok).toBe(false);
    expect((await sessions.validate(acmePhone.token)).ok).toBe(false);

    expect(await sessions.signOut(globexLaptop.session)).toEqual({ global: false });
    expect((await sessions.validate(globexLaptop.token)).ok).toBe(false);
    expect((await sessions.validate(globexPhone.token)).ok).toBe(true);
  });

  it("asks the policy about the stored session's tenant, and ends only the caller's own session, whatever object the app passes", async () => {
    const sessions = createSessionManager({ policy: { globalLogout: async ({ tenantId }) => tenantId === 'acme' } });
    const laptop = await sessions.create({ userId: 'ann', tenantId: 'acme', userAgent: UA.chromeMac });
    const phone = await sessions.create({ userId: 'ann', tenantId: 'acme', userAgent: UA.safariIphone });
    const victim = await sessions.create({ userId: 'vic', userAgent: UA.firefoxWindows });
    expect(await sessions.signOut({ id: victim.session.id, userId: 'ann' }, { thisDeviceOnly: true })).toEqual({ global: false });
    expect((await sessions.validate(victim.token)).ok).toBe(true);
    expect(await sessions.signOut({ id: laptop.session.id, userId: 'ann' })).toEqual({ global: true });
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect((await sessions.validate(phone.token)).ok).toBe(false);
  });

  it('thisDeviceOnly signs out this device without asking the policy', async () => {
    let asked = 0;
    const sessions = createSessionManager({ policy: { globalLogout: () => ++asked > 0 } });
    const laptop = await sessions.create({ userId: 'ann', userAgent: UA.chromeMac });
    const phone = await sessions.create({ userId: 'ann', userAgent: UA.safariIphone });
    await expect(sessions.signOut(laptop.session, { thisDeviceOnly: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await sessions.validate(laptop.token)).ok).toBe(true);
    expect(await sessions.signOut(laptop.session, { thisDeviceOnly: true })).toEqual({ global: false });
    expect(asked).toBe(0);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect((await sessions.validate(phone.token)).ok).toBe(true);
  });

  it('takes effect at once when the setting changes', async () => {
    let on = false;
    const sessions = createSessionManager({ policy: { globalLogout: () => on } });
    const a = await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    const b = await sessions.create({ userId: 'u', userAgent: UA.firefoxWindows });
    on = true;
    await sessions.signOut(a.session);
    expect((await sessions.validate(b.token)).ok).toBe(false);
  });

  it('ends nothing when the policy itself fails, so asking again signs out every device', async () => {
    let down = true;
    const sessions = createSessionManager({
      policy: {
        globalLogout: () => {
          if (down) throw new Error('settings database down');
          return true;
        },
      },
    });
    const a = await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    const b = await sessions.create({ userId: 'u', userAgent: UA.safariIphone });
    await expect(sessions.signOut(a.session)).rejects.toThrow('settings database down');
    expect((await sessions.validate(a.token)).ok).toBe(true);
    down = false;
    expect(await sessions.signOut(a.session)).toEqual({ global: true });
    expect(await sessions.validate(a.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.validate(b.token)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('credential changes', () => {
  it('password change keeps this device with a fresh token and ends the others', async () => {
    const sessions = createSessionManager();
    const laptop = await sessions.create({ userId: 'u', userAgent: UA.chromeMac, data: { theme: 'dark' } });
    const phone = await sessions.create({ userId: 'u', userAgent: UA.safariIphone });
    const result = await sessions.passwordChanged('u', { currentSessionId: laptop.session.id });
    expect(result.token).toBeDefined();
    expect(result.token).not.toBe(laptop.token);
    expect(await sessions.validate(laptop.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.validate(phone.token)).toEqual({ ok: false, reason: 'revoked' });
    const fresh = await sessions.validate(result.token);
    expect(fresh.ok && fresh.session).toMatchObject({ browser: 'Chrome', os: 'Mac OS', data: { theme: 'dark' } });
    const list = await sessions.list('u', { currentSessionId: result.session!.id });
    expect(list.map((row) => [row.deviceLabel, row.current])).toEqual([['Chrome on Mac OS', true]]);
  });

  it('password change with the "all" policy signs this device out too', async () => {
    const sessions = createSessionManager({ policy: { onPasswordChange: 'all' } });
    const laptop = await sessions.create({ userId: 'u' });
    expect(await sessions.passwordChanged('u', { currentSessionId: laptop.session.id })).toEqual({});
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
  });

  it('password change never keeps a session of another user or a dead one', async () => {
    const sessions = createSessionManager();
    const mallory = await sessions.create({ userId: 'mallory' });
    expect(await sessions.passwordChanged('u', { currentSessionId: mallory.session.id })).toEqual({});
    expect((await sessions.validate(mallory.token)).ok).toBe(true);
  });

  it('password reset signs out everywhere; email change keeps this device', async () => {
    const sessions = createSessionManager();
    const a = await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    const b = await sessions.create({ userId: 'u', userAgent: UA.safariIphone });
    const changed = await sessions.emailChanged('u', { currentSessionId: a.session.id });
    expect((await sessions.validate(changed.token)).ok).toBe(true);
    expect((await sessions.validate(b.token)).ok).toBe(false);
    await sessions.passwordReset('u');
    expect((await sessions.validate(changed.token)).ok).toBe(false);
  });

  it('a change made from an API session ends that token too and keeps the other API tokens', async () => {
    const sessions = createSessionManager();
    const current = await sessions.create({ userId: 'u', kind: 'api' });
    const otherApi = await sessions.create({ userId: 'u', kind: 'api' });
    const laptop = await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    for (const change of ['passwordChanged', 'emailChanged'] as const) {
      const presented = change === 'passwordChanged' ? current : await sessions.create({ userId: 'u', kind: 'api' });
      const result = await sessions[change]('u', { currentSessionId: presented.session.id });
      expect(await sessions.validate(presented.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(result.session?.kind).toBe('api');
      expect((await sessions.validate(result.token)).ok).toBe(true);
    }
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect((await sessions.validate(otherApi.token)).ok).toBe(true);
    // The two fresh API sessions and the untouched one; no duplicate of an ended token.
    expect((await sessions.list('u')).map((row) => row.kind)).toEqual(['api', 'api', 'api']);
  });

  it('the "all" policy ends an API session the change was made from', async () => {
    const sessions = createSessionManager({ policy: { onPasswordChange: 'all' } });
    const current = await sessions.create({ userId: 'u', kind: 'api' });
    expect(await sessions.passwordChanged('u', { currentSessionId: current.session.id })).toEqual({});
    expect(await sessions.validate(current.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('API tokens survive a password change unless the app names them', async () => {
    const sessions = createSessionManager();
    const api = await sessions.create({ userId: 'u', kind: 'api' });
    await sessions.passwordChanged('u');
    expect((await sessions.validate(api.token)).ok).toBe(true);
  });

  it('an admin revoking a teammate affects only that user and records who did it', async () => {
    const sessions = createSessionManager();
    const events: SessionEvent[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(event));
    const teammate = await sessions.create({ userId: 'tm', tenantId: 't1' });
    const admin = await sessions.create({ userId: 'admin', tenantId: 't1' });
    await sessions.revokeAll('tm', { by: 'admin', tenantId: 't1' });
    expect((await sessions.validate(teammate.token)).ok).toBe(false);
    expect((await sessions.validate(admin.token)).ok).toBe(true);
    expect(events).toEqual([expect.objectContaining({ userId: 'tm', tenantId: 't1', by: 'admin', reason: 'admin', kinds: ['browser', 'remember', 'impersonation'] })]);
  });

  it('revoke by id can be limited to the sessions of one user', async () => {
    const sessions = createSessionManager();
    const mine = await sessions.create({ userId: 'me' });
    const theirs = await sessions.create({ userId: 'them' });
    expect(await sessions.revoke(theirs.session.id, { userId: 'me' })).toBe(false);
    expect((await sessions.validate(theirs.token)).ok).toBe(true);
    expect(await sessions.revoke(mine.session.id, { userId: 'me' })).toBe(true);
    expect(await sessions.revoke(mine.session.id, { userId: 'me' })).toBe(false);
  });
});

describe('audit events', () => {
  it('emits each event with its fields', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ clock: clock.read, maxAge: 1_000 });
    const events: SessionEvent[] = [];
    const stop = sessions.on('*', (event) => void events.push(event));
    const a = await sessions.create({ userId: 'u', tenantId: 't', userAgent: UA.chromeMac });
    const b = await sessions.create({ userId: 'u', tenantId: 't', userAgent: UA.chromeMac });
    await sessions.signOut(b.session);
    await sessions.revokeOthers('u', a.session.id, { tenantId: 't' });
    await sessions.revokeAll('u');
    clock.advance(2_000);
    await sessions.prune();
    stop();
    await sessions.revokeAll('u');
    expect(events.map((event) => [event.type, event.reason])).toEqual([
      ['session.created', 'sign_in'],
      ['session.revoked', 'replaced'],
      ['session.created', 'sign_in'],
      ['session.revoked', 'sign_out'],
      ['user.session_invalidated', 'sign_out_others'],
      ['user.session_invalidated', 'sign_out_everywhere'],
      ['sessions.pruned', 'expired'],
    ]);
    expect(events[0]).toMatchObject({ userId: 'u', tenantId: 't', sessionIds: [a.session.id], deviceLabel: 'Chrome on Mac OS', at: a.session.createdAt });
    expect(events[1]).toMatchObject({ sessionIds: [a.session.id] });
    expect(events[6]).toMatchObject({ count: 2 });
  });

  it('a listener that throws or rejects breaks nothing and loses no revocation', async () => {
    const errors: unknown[] = [];
    const sessions = createSessionManager({ onError: (error) => errors.push(error) });
    sessions.on('user.session_invalidated', () => {
      throw new Error('audit log down');
    });
    sessions.on('user.session_invalidated', async () => {
      throw new Error('audit queue down');
    });
    const a = await sessions.create({ userId: 'u' });
    await sessions.revokeAll('u');
    expect((await sessions.validate(a.token)).ok).toBe(false);
    await vi.waitFor(() => expect(errors.map((error) => (error as Error).message).sort()).toEqual(['audit log down', 'audit queue down']));
  });
});

describe('pruning', () => {
  it('prunes in bounded batches and reports the total', async () => {
    const clock = new TestClock();
    const store = instrument(memoryStore());
    const sessions = createSessionManager({ store, clock: clock.read, maxAge: 1_000, pruneBatchSize: 10 });
    for (let index = 0; index < 35; index++) await sessions.create({ userId: `u${index % 3}` });
    clock.advance(1_000);
    expect(await sessions.prune()).toBe(35);
    // 10, 10, 10, 5, and a call that finds none.
    expect(store.calls.get('prune')).toBe(5);
    expect(await sessions.prune()).toBe(0);
  });

  it('goes on past a batch a store stopped short of its limit, until one deletes none', async () => {
    const clock = new TestClock();
    const inner = memoryStore();
    const asked: number[] = [];
    // A store whose bounded work gives up at most 4 rows a call, whatever the limit.
    const store = overriding(inner, { prune: (options) => (asked.push(options.limit), inner.prune({ ...options, limit: Math.min(options.limit, 4) })) });
    const sessions = createSessionManager({ store, clock: clock.read, maxAge: 1_000, pruneBatchSize: 10 });
    for (let index = 0; index < 11; index++) await sessions.create({ userId: `u${index}` });
    clock.advance(1_000);
    expect(await sessions.prune()).toBe(11);
    expect(asked).toEqual([10, 10, 10, 10]);
    expect(await sessions.prune({ limit: 6 })).toBe(0);
  });

  it('startPruning runs on an unref-ed timer and stops', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ clock: clock.read, maxAge: 1_000 });
    await sessions.create({ userId: 'u' });
    clock.advance(5_000);
    const pruned = new Promise((resolve) => sessions.on('sessions.pruned', resolve));
    const stop = sessions.startPruning();
    expect(await pruned).toMatchObject({ count: 1 });
    stop();
    await sessions.close();
  });
});
