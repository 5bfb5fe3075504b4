import { describe, expect, it } from 'vitest';
import { isSessionError } from '../../src/errors.js';
import type { RevocationNotice, SessionStore } from '../../src/store.js';
import { memoryStore } from '../../src/stores/memory.js';
import { newRecord } from '../../src/testing/store/fixtures.js';

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

async function create(store: SessionStore, userId: string, overrides: Parameters<typeof newRecord>[2] = {}, replaceDevice = false, denyUntil?: number) {
  return store.create(newRecord(store, userId, { createdAt: T, ...overrides }), { replaceDevice, denyUntil });
}

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    return isSessionError(error) ? `${error.code}: ${error.message}` : `unexpected: ${String(error)}`;
  }
  return undefined;
}

describe('memory store', () => {
  it('refuses every call once closed, and stops notifying', async () => {
    const store = memoryStore();
    const { session } = await create(store, 'u');
    const notices: RevocationNotice[] = [];
    store.subscribe!((notice) => notices.push(notice));
    await store.close!();
    const closed = 'CLOSED: The memory store was closed.';
    const calls: Array<() => Promise<unknown>> = [
      () => create(store, 'u'),
      () => store.get(session.id),
      () => store.touch(session.id, T + 1),
      () => store.revoke(session.id, { at: T, reason: 'x' }),
      () => store.revokeAll('u', { kinds: ['browser'], at: T }),
      () => store.revokeOthers('u', { kinds: ['browser'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' }),
      () => store.listByUser('u'),
      () => store.getRevocationState('u'),
      () => store.prune({ now: T, limit: 10 }),
    ];
    for (const call of calls) expect(await codeOf(call)).toBe(closed);
    expect(notices).toEqual([]);
  });

  it('refuses a second session with the same id', async () => {
    const store = memoryStore();
    const record = newRecord(store, 'u', { createdAt: T });
    await store.create(record, { replaceDevice: false });
    expect(await codeOf(() => store.create({ ...record, userId: 'v' }, { replaceDevice: false }))).toBe('INVALID_INPUT: A session with this id already exists.');
    expect((await store.get(record.id))!.session.userId).toBe('u');
  });

  it('keeps data as a copy and leaves it undefined when absent', async () => {
    const store = memoryStore();
    const data = { plan: 'pro', nested: { seats: 3 } };
    const { session } = await create(store, 'u', { data });
    data.nested.seats = 99;
    expect((await store.get(session.id))!.session.data).toEqual({ plan: 'pro', nested: { seats: 3 } });
    expect((await create(store, 'u')).session.data).toBeUndefined();
  });

  it('never moves lastUsedAt backwards and does not touch a revoked or unknown session', async () => {
    const store = memoryStore();
    const { session } = await create(store, 'u');
    expect(await store.touch(session.id, T + 10)).toBe(true);
    expect(await store.touch(session.id, T + 5)).toBe(true);
    expect((await store.get(session.id))!.session.lastUsedAt).toBe(T + 10);
    await store.revoke(session.id, { at: T + 20, reason: 'signout' });
    expect(await store.touch(session.id, T + 30)).toBe(false);
    expect((await store.get(session.id))!.session.lastUsedAt).toBe(T + 10);
    expect(await store.touch('AAAAAAAAAAAAAAAAAAAAAA', T)).toBe(false);
  });

  it('revokeOthers leaves alone the kept, already revoked, epoch-revoked, expired and other-kind sessions', async () => {
    const store = memoryStore();
    const keep = (await create(store, 'u')).session;
    const signedOut = (await create(store, 'u')).session;
    await store.revoke(signedOut.id, { at: T + 1, reason: 'signout' });
    const api = (await create(store, 'u', { kind: 'api' })).session;
    const expiring = (await create(store, 'u', { maxAge: 100 })).session;
    const live = (await create(store, 'u')).session;
    const revoked = await store.revokeOthers('u', { kinds: ['browser'], keepSessionId: keep.id, at: T + 100, reason: 'others' });
    // `expiring` ends exactly at T + 100: already over, not revoked again.
    expect(revoked).toEqual([live.id]);
    const byId = new Map((await store.listByUser('u')).sessions.map((session) => [session.id, session]));
    expect(byId.get(signedOut.id)).toMatchObject({ revokedAt: T + 1, revokedReason: 'signout' });
    expect(byId.get(live.id)).toMatchObject({ revokedAt: T + 100, revokedReason: 'others' });
    for (const id of [keep.id, api.id, expiring.id]) expect(byId.get(id)!.revokedAt).toBeUndefined();
    expect(await store.revokeOthers('nobody', { kinds: ['browser'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' })).toEqual([]);
  });

  it('revokeOthers skips sessions an epoch already revoked, including one born at the epoch', async () => {
    const store = memoryStore();
    const old = (await create(store, 'u', { createdAt: T })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    const fresh = (await create(store, 'u', { createdAt: T })).session;
    expect(fresh.createdAt).toBe(T + 1);
    const keep = (await create(store, 'u', { createdAt: T + 2 })).session;
    expect(await store.revokeOthers('u', { kinds: ['browser'], keepSessionId: keep.id, at: T + 3, reason: 'others' })).toEqual([fresh.id]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
  });

  it('replaces the live session of the same device and kind only', async () => {
    const store = memoryStore();
    const device = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };
    const sameDevice = (await create(store, 'u', { ...device, createdAt: T })).session;
    const otherKind = (await create(store, 'u', { ...device, kind: 'remember', createdAt: T })).session;
    const otherDevice = (await create(store, 'u', { deviceKey: 'Firefox|Windows', createdAt: T })).session;
    const signedOut = (await create(store, 'u', { ...device, createdAt: T })).session;
    await store.revoke(signedOut.id, { at: T + 1, reason: 'signout' });
    const ended = (await create(store, 'u', { ...device, createdAt: T, maxAge: 10 })).session;
    const { session, replacedIds } = await create(store, 'u', { ...device, createdAt: T + 10 }, true, T + HOUR);
    // `ended` expires exactly when the new session starts: not replaced.
    expect(replacedIds).toEqual([sameDevice.id]);
    expect((await store.get(sameDevice.id))!.session).toMatchObject({ revokedAt: session.createdAt, revokedReason: 'replaced' });
    expect((await store.getRevocationState('u')).denied).toEqual({ [sameDevice.id]: T + HOUR });
    for (const other of [otherKind, otherDevice, ended]) expect((await store.get(other.id))!.session.revokedAt).toBeUndefined();
    expect((await store.get(signedOut.id))!.session.revokedReason).toBe('signout');
    expect((await create(store, 'u', { ...device, createdAt: T + 20 }, false)).replacedIds).toEqual([]);
    expect((await create(store, 'u', { createdAt: T + 20 }, true)).replacedIds).toEqual([]);
  });

  it('does not replace a session an epoch already revoked, even one born at the epoch', async () => {
    const store = memoryStore();
    const device = { deviceKey: 'Chrome|Mac OS' };
    const old = (await create(store, 'u', { ...device, createdAt: T })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    const { replacedIds } = await create(store, 'u', { ...device, createdAt: T }, true);
    expect(replacedIds).toEqual([]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
  });

  it('notifies subscribers of each revocation, not of plain sign-ins, until they unsubscribe', async () => {
    const store = memoryStore();
    const notices: string[] = [];
    const unsubscribe = store.subscribe!((notice) => notices.push(notice.userId));
    const device = { deviceKey: 'Chrome|Mac OS' };
    const first = (await create(store, 'u', device, true)).session;
    expect(notices).toEqual([]);
    await create(store, 'u', device, true);
    expect(notices).toEqual(['u']);
    expect(await store.revokeOthers('v', { kinds: ['browser'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' })).toEqual([]);
    await create(store, 'v');
    expect(await store.revokeOthers('v', { kinds: ['api'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' })).toEqual([]);
    expect(notices).toEqual(['u']);
    await store.revokeOthers('v', { kinds: ['browser'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' });
    await store.revokeAll('w', { kinds: ['browser'], at: T });
    expect(await store.revoke(first.id, { at: T, reason: 'x' })).toBeNull();
    const third = (await create(store, 'x')).session;
    expect(Object.keys((await store.getRevocationState('x')).denied)).toEqual([]);
    await store.revoke(third.id, { at: T, reason: 'x' });
    // Revoked without denyUntil: no deny-list entry at all.
    expect(Object.keys((await store.getRevocationState('x')).denied)).toEqual([]);
    expect(notices).toEqual(['u', 'v', 'w', 'x']);
    unsubscribe();
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    expect(notices).toEqual(['u', 'v', 'w', 'x']);
  });

  it('prunes deny-list entries when they end, keeping epochs and entries of expired sessions', async () => {
    const store = memoryStore();
    const short = (await create(store, 'u', { maxAge: 1_000 })).session;
    await store.revoke(short.id, { at: T, reason: 'x', denyUntil: T + HOUR });
    // The session is gone, its deny-list entry stays until it ends.
    expect(await store.prune({ now: T + 2_000, limit: 10 })).toBe(1);
    expect((await store.getRevocationState('u')).denied).toEqual({ [short.id]: T + HOUR });
    await store.prune({ now: T + HOUR - 1, limit: 10 });
    expect((await store.getRevocationState('u')).denied).toEqual({ [short.id]: T + HOUR });
    await store.prune({ now: T + HOUR, limit: 10 });
    expect((await store.getRevocationState('u')).denied).toEqual({});

    // A user with an epoch and no session keeps the epoch when its entries are pruned.
    const other = (await create(store, 'e', { maxAge: 1_000 })).session;
    await store.revokeAll('e', { kinds: ['browser'], at: T });
    await store.revoke(other.id, { at: T, reason: 'x', denyUntil: T + 500 });
    await store.prune({ now: T + 2_000, limit: 10 });
    expect(await store.getRevocationState('e')).toEqual({ epochs: { browser: T }, denied: {} });
    expect((await create(store, 'e', { createdAt: T })).session.createdAt).toBe(T + 1);
  });

  it('keeps the epochs of a user whose last session is pruned', async () => {
    const store = memoryStore();
    const session = (await create(store, 'u', { maxAge: 1_000 })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T + 5 });
    expect(await store.prune({ now: T + 2_000, limit: 10 })).toBe(1);
    expect(await store.get(session.id)).toBeNull();
    expect((await store.getRevocationState('u')).epochs).toEqual({ browser: T + 5 });
    expect((await store.listByUser('u')).epochs).toEqual({ browser: T + 5 });
  });
});

describe('memoryStore options', () => {
  it('refuses an unknown option or a bucket width that is not a whole number of ms, by name', () => {
    expect(() => memoryStore({ expiryBucket: 10 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('memoryStore() options: unknown option "expiryBucket"') }));
    for (const expiryBucketMs of [0, -1, 1.5]) {
      expect(() => memoryStore({ expiryBucketMs })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('memoryStore: expiryBucketMs') }));
    }
    expect(() => memoryStore({ expiryBucketMs: 1 })).not.toThrow();
  });

  it('declares that it answers in process, so the manager puts no deadline on its calls', () => {
    expect(memoryStore().inProcess).toBe(true);
  });
});
