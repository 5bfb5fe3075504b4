import { describe, expect, it } from 'vitest';
import { activityId } from '../../src/activity-id.js';
import { storeOperations, type StoreOperations } from '../../src/storage/index.js';
import type { ActivityRecord } from '../../src/store.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signInFrom } from '../../src/testing/store/fixtures.js';

// The memory store's activity log and known devices, through the operations the manager runs.

const T = 1_700_000_000_000;
const id = (at: number, n = 0) => `${String(at).padStart(15, '0')}-${String(n).padStart(6, '0')}`;
const entry = (userId: string | undefined, at: number, fields: Partial<ActivityRecord> = {}): ActivityRecord => ({
  id: id(at),
  userId,
  type: 'session.created',
  at,
  reason: 'sign_in',
  ...fields,
});
const all = (store: StoreOperations, userId: string, tenantId?: string) => store.listActivity!(userId, { limit: 1_000, tenantId });

describe('memory activity log', () => {
  it('keeps id order, paging and limits, appended out of order', async () => {
    for (const size of [1, 17, 40]) {
      const store = storeOperations(memoryStore());
      const written = Array.from({ length: size }, (_, index) => entry('u', T + index));
      // Reversed halves: every append lands before the end at least once.
      const order = [...written.slice(0, size >> 1).reverse(), ...written.slice(size >> 1).reverse()];
      for (const item of order) await store.appendActivity!([item]);
      const newestFirst = [...written].reverse();
      expect(await all(store, 'u')).toEqual(newestFirst);
      expect(await store.listActivity!('u', { limit: 3, before: newestFirst[0]!.id })).toEqual(newestFirst.slice(1, 4));
    }
  });

  it('keeps a copy: changing the entry given or the entry read back changes nothing stored', async () => {
    const store = storeOperations(memoryStore());
    const given = entry('u', T);
    await store.appendActivity!([given]);
    (given as { reason: string }).reason = 'changed';
    const [read] = await all(store, 'u');
    (read as { type: string }).type = 'changed';
    expect(await all(store, 'u')).toEqual([entry('u', T)]);
  });

  it('keeps each owner apart: every entry keeps its own user and tenant', async () => {
    const store = storeOperations(memoryStore());
    await store.appendActivity!([
      entry('a', T, { tenantId: 't1' }),
      entry('b', T + 1, { tenantId: 't2', deviceLabel: 'Chrome on Mac OS' }),
      entry(undefined, T + 2, { tenantId: 't1', type: 'tenant.sessions_invalidated' }),
    ]);
    await store.appendActivity!([entry('a', T + 3, { tenantId: 't1', deviceLabel: 'Chrome on Mac OS' })]);
    expect((await all(store, 'a', 't1')).map((item) => [item.userId, item.tenantId, item.deviceLabel])).toEqual([
      ['a', 't1', 'Chrome on Mac OS'],
      [undefined, 't1', undefined],
      ['a', 't1', undefined],
    ]);
    expect((await all(store, 'b')).map((item) => [item.userId, item.tenantId])).toEqual([['b', 't2']]);
  });

  it('prune cuts the entries at or before the cut, of every user, and keeps the order of later appends', async () => {
    const store = storeOperations(memoryStore());
    const small = Array.from({ length: 5 }, (_, index) => entry('s', T + index));
    const large = Array.from({ length: 30 }, (_, index) => entry('l', T + index));
    await store.appendActivity!([...small, ...large]);
    await store.prune({ now: T, limit: 1, activityBefore: T + 2 });
    expect(await all(store, 's')).toEqual(small.slice(3).reverse());
    expect(await all(store, 'l')).toEqual(large.slice(3).reverse());
    await store.prune({ now: T, limit: 1, activityBefore: T + 10 });
    expect(await all(store, 's')).toEqual([]);
    expect(await all(store, 'l')).toEqual(large.slice(11).reverse());
    await store.appendActivity!([entry('l', T + 5), entry('s', T + 50)]);
    expect((await all(store, 'l')).at(-1)!.at).toBe(T + 5);
    expect((await all(store, 's')).map((item) => item.at)).toEqual([T + 50]);
  });

  it('makes ids of the documented shape, in order', () => {
    const first = activityId(T);
    const second = activityId(T);
    expect(first).toMatch(/^0*1700000000000-[0-9a-z]{6}[A-Za-z0-9_-]{8}$/);
    expect(first.length).toBe(30);
    expect(second > first).toBe(true);
    expect(activityId(T + 1) > second).toBe(true);
  });
});

describe('memory known devices', () => {
  it('answers the previous sighting and keeps the latest, listed last seen first', async () => {
    for (const count of [1, 2, 20]) {
      const store = storeOperations(memoryStore());
      for (let index = 0; index < count; index++) expect(await signInFrom(store, 'u', `h${index}`, T + index)).toBeNull();
      expect(await signInFrom(store, 'u', 'h0', T + 100)).toBe(T);
      expect(await signInFrom(store, 'u', 'h0', T + 50)).toBe(T + 100);
      if (count > 1) expect(await signInFrom(store, 'u', `h${count - 1}`, T - 5)).toBe(T + count - 1);
      // h0 seen last (T + 100), then the others from the latest: h1 was seen at T + 1, h2 at T + 2, …
      const others = Array.from({ length: count - 1 }, (_, index) => count - 1 - index);
      const expected = [{ deviceHash: 'h0', lastSeenAt: T + 100 }, ...others.map((index) => ({ deviceHash: `h${index}`, lastSeenAt: T + index }))];
      expect(await store.listDevices!('u')).toEqual(expected);
      expect(await store.listDevices!('other')).toEqual([]);
    }
  });

  it('prune drops devices last seen at or before the cut, of every user', async () => {
    for (const count of [3, 12]) {
      const store = storeOperations(memoryStore());
      for (let index = 0; index < count; index++) await signInFrom(store, 'u', `h${index}`, index % 2 === 0 ? T : T + 100);
      await signInFrom(store, 'v', 'only', T);
      const hashes = async () => (await store.listDevices!('u')).map((item) => item.deviceHash);
      await store.prune({ now: T, limit: 1, devicesBefore: T - 1 });
      expect(await hashes()).toHaveLength(count);
      await store.prune({ now: T, limit: 1, devicesBefore: T });
      // All seen at T + 100: equal times list by hash, as text ("h11" before "h3").
      expect(await hashes()).toEqual(Array.from({ length: count }, (_, index) => index).filter((index) => index % 2 === 1).map((index) => `h${index}`).sort());
      expect(await store.listDevices!('v')).toEqual([]);
      // A user whose devices all went comes back as new.
      await store.prune({ now: T, limit: 1_000, devicesBefore: T + 100 });
      expect(await store.listDevices!('u')).toEqual([]);
      expect(await signInFrom(store, 'u', 'h1', T + 200)).toBeNull();
    }
  });

  it('eraseUser forgets the user\'s devices and entries, nobody else\'s', async () => {
    const store = storeOperations(memoryStore());
    await store.appendActivity!([entry('u', T), entry('w', T)]);
    await signInFrom(store, 'u', 'h', T);
    await signInFrom(store, 'w', 'h', T);
    await store.eraseUser('u', Date.now());
    expect(await all(store, 'u')).toEqual([]);
    expect(await store.listDevices!('u')).toEqual([]);
    expect(await all(store, 'w')).toHaveLength(1);
    expect(await store.listDevices!('w')).toHaveLength(1);
  });
});
