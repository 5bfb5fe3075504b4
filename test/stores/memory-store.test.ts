import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { isSessionError } from '../../src/errors.js';
import { storeOperations, type SessionLimit, type StoreOperations } from '../../src/storage/index.js';
import type { ActivityRecord, RevocationNotice } from '../../src/store.js';
import { memoryStore } from '../../src/stores/memory.js';
import { copyOf } from '../../src/stores/memory-records.js';
import { row as sessionRow } from '../support/sql-contract.js';
import { newRecord, signInFrom } from '../../src/testing/store/fixtures.js';

const T = 1_700_000_000_000;
const HOUR = 3_600_000;

async function create(store: StoreOperations, userId: string, overrides: Parameters<typeof newRecord>[2] = {}, replaceDevice = false, denyUntil?: number) {
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
    const raw = memoryStore();
    const store = storeOperations(raw);
    const { session } = await create(store, 'u');
    const notices: RevocationNotice[] = [];
    raw.subscribe!((notice) => notices.push(notice));
    await raw.close();
    const closed = 'CLOSED: The memory store was closed.';
    const calls: Array<() => Promise<unknown>> = [
      () => raw.get(session.id),
      () => raw.readUser('u'),
      () => raw.readTenant('acme'),
      () => raw.readKey('k'),
      () => raw.apply({ owner: { userId: 'u' }, writes: [{ type: 'revoke', sessionId: session.id, at: T, reason: 'x' }], notify: true }),
      () => raw.touch(session.id, { lastUsedAt: T + 1 }),
      () => raw.prune({ now: T, limit: 10 }),
      () => raw.listActivity!('u', { limit: 10 }),
      () => raw.stats!(T),
      () => create(store, 'u'),
      () => store.revokeAll('u', { kinds: ['browser'], at: T }),
    ];
    for (const call of calls) expect(await codeOf(call)).toBe(closed);
    expect(notices).toEqual([]);
  });

  it("refuses a second session with the id of one of the user's sessions", async () => {
    const store = storeOperations(memoryStore());
    const record = newRecord(store, 'u', { createdAt: T });
    await store.create(record, { replaceDevice: false });
    expect(await codeOf(() => store.create({ ...record, createdAt: T + 1 }, { replaceDevice: false }))).toBe('INVALID_INPUT: A session with this id already exists.');
    expect((await store.get(record.id))!.session).toMatchObject({ userId: 'u', createdAt: T });
    expect((await store.listByUser('u')).sessions).toHaveLength(1);
  });

  it('keeps data as a copy and leaves it undefined when absent', async () => {
    const store = storeOperations(memoryStore());
    const data = { plan: 'pro', nested: { seats: 3 } };
    const { session } = await create(store, 'u', { data });
    data.nested.seats = 99;
    expect((await store.get(session.id))!.session.data).toEqual({ plan: 'pro', nested: { seats: 3 } });
    expect((await create(store, 'u')).session.data).toBeUndefined();
  });

  it('keeps hashes in bytes of their own, and answers copies from the Buffer pool', async () => {
    const row = { ...sessionRow('s1', 'u'), secretHash: Buffer.from(new Uint8Array(32).fill(1)), previousSecretHash: Buffer.from(new Uint8Array(32).fill(2)) };
    const kept = copyOf(row, 'kept');
    const answer = copyOf(kept, 'answer');
    // A pooled slice kept for the session's life would hold its whole pool chunk.
    expect([kept.secretHash.buffer.byteLength, kept.previousSecretHash!.buffer.byteLength, Buffer.isBuffer(kept.secretHash)]).toEqual([32, 32, false]);
    expect([Buffer.isBuffer(answer.secretHash), Buffer.isBuffer(answer.previousSecretHash), answer.secretHash === kept.secretHash]).toEqual([true, true, false]);
    expect([Buffer.from(answer.secretHash).equals(row.secretHash), Buffer.from(answer.previousSecretHash!).equals(row.previousSecretHash)]).toEqual([true, true]);
    const store = storeOperations(memoryStore());
    const { session } = await create(store, 'u');
    const first = (await store.get(session.id))!.session.secretHash;
    first.fill(0);
    expect(Buffer.from((await store.get(session.id))!.session.secretHash).equals(Buffer.from(session.secretHash))).toBe(true);
  });

  it('never moves lastUsedAt backwards and does not touch a revoked or unknown session', async () => {
    const store = storeOperations(memoryStore());
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
    const store = storeOperations(memoryStore());
    const keep = (await create(store, 'u')).session;
    const signedOut = (await create(store, 'u')).session;
    await store.revoke(signedOut.id, { at: T + 1, reason: 'signout' });
    const api = (await create(store, 'u', { kind: 'api' })).session;
    const expiring = (await create(store, 'u', { maxAge: 100 })).session;
    const live = (await create(store, 'u')).session;
    const revoked = await store.revokeOthers('u', { kinds: ['browser'], keepSessionId: keep.id, at: T + 100, reason: 'others' });
    // `expiring` ends exactly at T + 100: already over, not revoked again.
    expect(revoked.map((row) => row.id)).toEqual([live.id]);
    const byId = new Map((await store.listByUser('u')).sessions.map((session) => [session.id, session]));
    expect(byId.get(signedOut.id)).toMatchObject({ revokedAt: T + 1, revokedReason: 'signout' });
    expect(byId.get(live.id)).toMatchObject({ revokedAt: T + 100, revokedReason: 'others' });
    for (const id of [keep.id, api.id, expiring.id]) expect(byId.get(id)!.revokedAt).toBeUndefined();
    expect(await store.revokeOthers('nobody', { kinds: ['browser'], keepSessionId: 'AAAAAAAAAAAAAAAAAAAAAA', at: T, reason: 'x' })).toEqual([]);
  });

  it('revokeOthers skips sessions an epoch already revoked, including one born at the epoch', async () => {
    const store = storeOperations(memoryStore());
    const old = (await create(store, 'u', { createdAt: T })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    const fresh = (await create(store, 'u', { createdAt: T })).session;
    expect(fresh.createdAt).toBe(T + 1);
    const keep = (await create(store, 'u', { createdAt: T + 2 })).session;
    expect((await store.revokeOthers('u', { kinds: ['browser'], keepSessionId: keep.id, at: T + 3, reason: 'others' })).map((row) => row.id)).toEqual([fresh.id]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
  });

  it('replaces the live session of the same device and kind only', async () => {
    const store = storeOperations(memoryStore());
    const device = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };
    const sameDevice = (await create(store, 'u', { ...device, createdAt: T })).session;
    const otherKind = (await create(store, 'u', { ...device, kind: 'remember', createdAt: T })).session;
    const otherDevice = (await create(store, 'u', { deviceKey: 'Firefox|Windows', createdAt: T })).session;
    const signedOut = (await create(store, 'u', { ...device, createdAt: T })).session;
    await store.revoke(signedOut.id, { at: T + 1, reason: 'signout' });
    const ended = (await create(store, 'u', { ...device, createdAt: T, maxAge: 10 })).session;
    const { session, replaced } = await create(store, 'u', { ...device, createdAt: T + 10 }, true, T + HOUR);
    // `ended` expires exactly when the new session starts: not replaced.
    expect(replaced.map(({ id }) => id)).toEqual([sameDevice.id]);
    expect((await store.get(sameDevice.id))!.session).toMatchObject({ revokedAt: session.createdAt, revokedReason: 'replaced' });
    expect((await store.getRevocationState('u')).denied).toEqual({ [sameDevice.id]: T + HOUR });
    for (const other of [otherKind, otherDevice, ended]) expect((await store.get(other.id))!.session.revokedAt).toBeUndefined();
    expect((await store.get(signedOut.id))!.session.revokedReason).toBe('signout');
    expect((await create(store, 'u', { ...device, createdAt: T + 20 }, false)).replaced).toEqual([]);
    expect((await create(store, 'u', { createdAt: T + 20 }, true)).replaced).toEqual([]);
  });

  it('does not replace a session an epoch already revoked, even one born at the epoch', async () => {
    const store = storeOperations(memoryStore());
    const device = { deviceKey: 'Chrome|Mac OS' };
    const old = (await create(store, 'u', { ...device, createdAt: T })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    const { replaced } = await create(store, 'u', { ...device, createdAt: T }, true);
    expect(replaced).toEqual([]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
  });

  it('notifies subscribers of each revocation, not of plain sign-ins, until they unsubscribe', async () => {
    const store = storeOperations(memoryStore());
    const notices: string[] = [];
    const unsubscribe = store.subscribe!((notice) => notices.push(notice.tenantId === undefined ? notice.userId : `tenant ${notice.tenantId}`));
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
    await store.revokeTenant!('acme', { kinds: ['browser'], at: T });
    expect(notices).toEqual(['u', 'v', 'w', 'x', 'tenant acme']);
    unsubscribe();
    await store.revokeAll('u', { kinds: ['browser'], at: T });
    expect(notices).toEqual(['u', 'v', 'w', 'x', 'tenant acme']);
  });

  it('prunes deny-list entries when they end, keeping epochs and entries of expired sessions', async () => {
    const store = storeOperations(memoryStore());
    const short = (await create(store, 'u', { maxAge: 1_000 })).session;
    await store.revoke(short.id, { at: T, reason: 'x', denyUntil: T + 100_000 });
    // The session is gone, its deny-list entry stays until it ends.
    expect(await store.prune({ now: T + 2_000, limit: 10 })).toBe(1);
    expect((await store.getRevocationState('u')).denied).toEqual({ [short.id]: T + 100_000 });
    await store.prune({ now: T + 99_999, limit: 10 });
    expect((await store.getRevocationState('u')).denied).toEqual({ [short.id]: T + 100_000 });
    await store.prune({ now: T + 100_000, limit: 10 });
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
    const store = storeOperations(memoryStore());
    const session = (await create(store, 'u', { maxAge: 1_000 })).session;
    await store.revokeAll('u', { kinds: ['browser'], at: T + 5 });
    expect(await store.prune({ now: T + 2_000, limit: 10 })).toBe(1);
    expect(await store.get(session.id)).toBeNull();
    expect((await store.getRevocationState('u')).epochs).toEqual({ browser: T + 5 });
    expect((await store.listByUser('u')).epochs).toEqual({ browser: T + 5 });
  });
});

describe('memory store: session caps, tenants and rare fields', () => {
  const capped = (store: StoreOperations, userId: string, limit: SessionLimit, overrides: Parameters<typeof newRecord>[2] = {}) =>
    store.create(newRecord(store, userId, { createdAt: T, ...overrides }), { replaceDevice: false, limit });

  it('ends a session used at or before idleBefore first and never refuses for it; refuses by name', async () => {
    const store = storeOperations(memoryStore());
    const idle = (await create(store, 'u')).session;
    expect(await codeOf(() => capped(store, 'u', { max: 1, onLimit: 'refuse', idleBefore: T - 1 }, { createdAt: T + 1 }))).toBe(
      'SESSION_LIMIT: The session limit of this user and kind is reached.',
    );
    // Last used exactly at idleBefore: idle, ended to make room.
    const { evicted } = await capped(store, 'u', { max: 1, onLimit: 'refuse', idleBefore: T }, { createdAt: T + 1 });
    expect(evicted.map(({ id }) => id)).toEqual([idle.id]);
    expect((await store.get(idle.id))!.session.revokedReason).toBe('session_limit');
  });

  it('evicts the least recently used, then the oldest, then the smallest id, and notifies subscribers', async () => {
    const store = storeOperations(memoryStore());
    const notices: string[] = [];
    store.subscribe!((notice) => notices.push(notice.userId));
    // Same last use and creation time: the id decides, whatever the order of sign-in.
    for (const letter of ['E', 'B', 'F', 'A', 'D', 'C']) await create(store, 'u', { id: letter.repeat(22) });
    expect(notices).toEqual([]);
    const { evicted } = await capped(store, 'u', { max: 4, onLimit: 'evict-oldest', idleBefore: 0 }, { createdAt: T + 1 });
    expect(evicted.map(({ id }) => id).sort()).toEqual(['A', 'B', 'C'].map((letter) => letter.repeat(22)));
    expect(notices).toEqual(['u']);
    const stored = (await store.listByUser('u')).sessions.filter((session) => session.revokedReason === 'session_limit').map((session) => session.id);
    expect(stored.sort()).toEqual(evicted.map(({ id }) => id).sort());
  });

  it('treats a session born at its tenant epoch as signed out: never replaced, never revoked again', async () => {
    const store = storeOperations(memoryStore());
    const device = { deviceKey: 'Chrome|Mac OS', tenantId: 'acme' };
    const old = (await create(store, 'u', device)).session;
    await store.revokeTenant!('acme', { kinds: ['browser'], at: T });
    const { session, replaced } = await create(store, 'u', device, true);
    expect(replaced).toEqual([]);
    expect(session.createdAt).toBe(T + 1);
    expect(await store.revokeOthers('u', { kinds: ['browser'], keepSessionId: session.id, at: T + 2, reason: 'others' })).toEqual([]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
    expect((await store.get(old.id))!.tenantEpochs).toEqual({ browser: T });
  });

  it('keeps a sign-in time other than the creation time without making the session session-only', async () => {
    const store = storeOperations(memoryStore());
    for (const persistent of [undefined, true]) {
      const { session } = await create(store, 'u', { authenticatedAt: T - 1_000, persistent });
      const read = (await store.get(session.id))!.session;
      expect(read.authenticatedAt).toBe(T - 1_000);
      expect(read.persistent).not.toBe(false);
    }
  });

  it('counts live, revoked and expired rows per kind, a row ending now as expired', async () => {
    const store = storeOperations(memoryStore());
    for (let index = 0; index < 3; index++) await create(store, 'u');
    const revoked = (await create(store, 'u')).session;
    await store.revoke(revoked.id, { at: T, reason: 'x' });
    await create(store, 'u', { maxAge: 1_000 });
    const revokedThenExpired = (await create(store, 'u', { maxAge: 500 })).session;
    await store.revoke(revokedThenExpired.id, { at: T, reason: 'x' });
    expect({ ...(await store.stats!(T + 1_000)) }).toEqual({ browser: { live: 3, revoked: 1, expired: 2 } });
  });

  it('prunes after eraseUser, skipping the erased sessions and deleting the others that ended', async () => {
    const store = storeOperations(memoryStore());
    await create(store, 'u', { maxAge: 1_000 });
    await create(store, 'v', { maxAge: 1_000 });
    expect(await store.eraseUser('u', Date.now())).toBe(1);
    expect(await store.prune({ now: T + 2_000, limit: 10 })).toBe(1);
    expect((await store.listByUser('v')).sessions).toEqual([]);
  });
});

describe('memory store: activity, devices and links', () => {
  const t = T;
  const entry = (id: string, owner: { userId?: string; tenantId?: string }, at = t): ActivityRecord => ({ id, ...owner, type: 'session.created', at, reason: 'sign_in' });
  const ids = (entries: readonly ActivityRecord[]) => entries.map((one) => one.id);
  const hash = createHash('sha256').update('link').digest();
  const link = (id: string, expiresAt: number) => ({ id: id.repeat(22), secretHash: hash, userId: 'u', sessionId: 'S'.repeat(22), expiresAt });

  it("merges the tenant's entries with the user's, newest first, cut to the limit", async () => {
    const store = storeOperations(memoryStore());
    await store.appendActivity!(['01', '03', '05', '07'].map((id) => entry(id, { userId: 'u', tenantId: 'acme' })));
    await store.appendActivity!(['02', '04', '06', '08'].map((id) => entry(id, { tenantId: 'acme' })));
    expect(ids(await store.listActivity!('u', { limit: 5, tenantId: 'acme' }))).toEqual(['08', '07', '06', '05', '04']);
    expect(ids(await store.listActivity!('u', { limit: 10, tenantId: 'acme', before: '04' }))).toEqual(['03', '02', '01']);
    expect(ids(await store.listActivity!('u', { limit: 10 }))).toEqual(['07', '05', '03', '01']);
  });

  it('prunes entries at or before activityBefore, across users, whatever the limit of session rows', async () => {
    const store = storeOperations(memoryStore());
    await store.appendActivity!([entry('01', { userId: 'u' }, t - 10), entry('02', { userId: 'u' }, t - 5), entry('03', { userId: 'u' }, t - 4)]);
    await store.appendActivity!([entry('04', { userId: 'v' }, t - 10), entry('05', { tenantId: 'acme' }, t - 10), entry('06', { tenantId: 'acme' }, t - 4)]);
    expect(await store.prune({ now: t, limit: 1, activityBefore: t - 5 })).toBe(0);
    expect(ids(await store.listActivity!('u', { limit: 10, tenantId: 'acme' }))).toEqual(['06', '03']);
    expect(await store.listActivity!('v', { limit: 10 })).toEqual([]);
    // Without activityBefore, no entry goes.
    await store.prune({ now: t + 100, limit: 10 });
    expect(ids(await store.listActivity!('u', { limit: 10, tenantId: 'acme' }))).toEqual(['06', '03']);
  });

  it('prunes devices last seen at or before devicesBefore, only when asked', async () => {
    const store = storeOperations(memoryStore());
    for (const [index, device] of ['a', 'b', 'c'].entries()) await signInFrom(store, 'u', device.repeat(43), t - 10 + index);
    await signInFrom(store, 'u', 'd'.repeat(43), t - 7);
    await store.prune({ now: t, limit: 10 });
    expect(await store.listDevices!('u')).toHaveLength(4);
    await store.prune({ now: t, limit: 1, devicesBefore: t - 8 });
    expect(await store.listDevices!('u')).toEqual([{ deviceHash: 'd'.repeat(43), lastSeenAt: t - 7 }]);
  });

  it('prunes links ending at or before now, and only those', async () => {
    const store = storeOperations(memoryStore());
    for (const [index, id] of ['A', 'B'].entries()) await store.saveRevocationLink!(link(id, t - index));
    await store.saveRevocationLink!(link('D', t + 1));
    await store.prune({ now: t, limit: 10 });
    // A caller whose clock is behind no longer finds them: they are gone, not just expired.
    for (const id of ['A', 'B']) expect(await store.consumeRevocationLink!(id.repeat(22), hash, t - 100)).toBeNull();
    expect(await store.consumeRevocationLink!('D'.repeat(22), hash, t)).not.toBeNull();
  });

  it('keeps an expired link until pruned, and refuses it by its expiry', async () => {
    const store = storeOperations(memoryStore());
    await store.saveRevocationLink!(link('L', t));
    expect(await store.consumeRevocationLink!('L'.repeat(22), hash, t)).toBeNull();
    // Not pruned yet: a caller whose clock is behind still gets it, once.
    expect(await store.consumeRevocationLink!('L'.repeat(22), hash, t - 1)).not.toBeNull();
    expect(await store.consumeRevocationLink!('L'.repeat(22), hash, t - 1)).toBeNull();
  });
});

describe('memoryStore options', () => {
  it('refuses any option by name: it has none (expiryBucketMs went with the store-side expiry index)', () => {
    for (const option of ['expiryBucket', 'expiryBucketMs']) {
      expect(() => memoryStore({ [option]: 10 } as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining(`memoryStore() options: unknown option "${option}"`) }),
      );
    }
    expect(() => memoryStore()).not.toThrow();
    expect(() => memoryStore({})).not.toThrow();
  });
});

describe('memory store: rows and states as stored, nothing added', () => {
  const row = (fields: Record<string, unknown> = {}) => ({
    id: 'AbCdEfGhIjKlMnOpQrSt-_',
    userId: 'ada',
    kind: 'browser',
    secretHash: new Uint8Array(32).fill(1),
    createdAt: T,
    expiresAt: T + HOUR,
    lastUsedAt: T,
    authenticatedAt: T,
    ...fields,
  });

  it('reads back a row never rotated, without data or provider origin, with none of them', async () => {
    const store = memoryStore();
    expect(await store.apply({ owner: { userId: 'ada' }, version: 0, writes: [{ type: 'insert', session: row() as never }] })).toBe(true);
    const found = await store.get(row().id as string);
    expect(found?.session.previousSecretHash).toBeUndefined();
    expect(found?.session.data).toBeUndefined();
    expect(found?.session.federated).toBeUndefined();
  });

  it("reads a tenant's row whose tenant has no state yet: no tenant epochs, and none made up in the user's state", async () => {
    const store = memoryStore();
    await store.apply({ owner: { userId: 'ada' }, version: 0, writes: [{ type: 'insert', session: row({ tenantId: 'acme' }) as never }, { type: 'insert', session: row({ id: 'ZyXwVuTsRqPoNmLkJiHgF_' }) as never }] });
    expect((await store.get(row().id as string))?.tenantEpochs).toBeUndefined();
    expect({ ...(await store.readUser('ada', 'globex')).tenantEpochs }).toEqual({});
  });

  it("leaves a revocation of a user it never saw alone, and applies the batch", async () => {
    const store = memoryStore();
    expect(await store.apply({ owner: { userId: 'nobody' }, writes: [{ type: 'revoke', sessionId: row().id as string, at: T, reason: 'sign_out' }] })).toBe(true);
    expect(await store.get(row().id as string)).toBeNull();
  });

  it("lists a user's activity beside a tenant that has none", async () => {
    const store = memoryStore();
    const entry = { id: '0001', userId: 'ada', type: 'session.created', reason: 'sign_in', at: T };
    await store.apply({ owner: { userId: 'ada' }, writes: [{ type: 'activity', entry: entry as never }] });
    expect(await store.listActivity!('ada', { tenantId: 'acme', limit: 10 })).toEqual([entry]);
  });
});
