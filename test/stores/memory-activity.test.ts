import { describe, expect, it } from 'vitest';
import { activityId } from '../../src/activity/activity.js';
import { MemoryActivity } from '../../src/stores/memory-activity.js';
import type { ActivityRecord } from '../../src/store.js';

// The memory store's activity keeps small logs and device lists in compact shapes and grows
// them into larger ones: the answers must be the same on both sides of every switch.

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
const all = (activity: MemoryActivity, userId: string, tenantId?: string) => activity.list(userId, { limit: 1_000, tenantId });

describe('memory activity log', () => {
  it('keeps order, paging and limits on both sides of the small-log size, appended out of order', () => {
    for (const size of [1, 15, 16, 17, 40]) {
      const activity = new MemoryActivity();
      const written = Array.from({ length: size }, (_, index) => entry('u', T + index));
      // Reversed halves: every append lands before the end at least once.
      const order = [...written.slice(0, size >> 1).reverse(), ...written.slice(size >> 1).reverse()];
      for (const item of order) activity.append([item]);
      const newestFirst = [...written].reverse();
      expect(all(activity, 'u')).toEqual(newestFirst);
      const page = activity.list('u', { limit: 3, before: newestFirst[0]!.id });
      expect(page).toEqual(newestFirst.slice(1, 4));
    }
  });

  it('stores a frozen plain copy with the same keys in the same order, absent fields absent', () => {
    const activity = new MemoryActivity();
    const given = { id: id(T), reason: 'sign_in', type: 'session.created', userId: 'u', at: T, tenantId: undefined, extra: 1 } as unknown as ActivityRecord;
    activity.append([given]);
    (given as { reason: string }).reason = 'changed';
    const [stored] = all(activity, 'u');
    expect(Object.keys(stored!)).toEqual(['id', 'reason', 'type', 'userId', 'at', 'tenantId', 'extra']);
    expect(stored).toStrictEqual({ id: id(T), reason: 'sign_in', type: 'session.created', userId: 'u', at: T, tenantId: undefined, extra: 1 });
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.isFrozen(stored)).toBe(true);
    expect('deviceLabel' in stored!).toBe(false);
    expect(JSON.stringify(stored)).toBe(JSON.stringify({ ...given, reason: 'sign_in' }));
  });

  it('shares nothing between owners: each entry keeps its own user and tenant', () => {
    const activity = new MemoryActivity();
    activity.append([entry('a', T, { tenantId: 't1' }), entry('b', T + 1, { tenantId: 't2', deviceLabel: 'Chrome on Mac OS' }), entry(undefined, T + 2, { tenantId: 't1', type: 'tenant.sessions_invalidated' })]);
    activity.append([entry('a', T + 3, { tenantId: 't1', deviceLabel: 'Chrome on Mac OS' })]);
    expect(all(activity, 'a', 't1').map((item) => [item.userId, item.tenantId, item.deviceLabel])).toEqual([
      ['a', 't1', 'Chrome on Mac OS'],
      [undefined, 't1', undefined],
      ['a', 't1', undefined],
    ]);
    expect(all(activity, 'b').map((item) => [item.userId, item.tenantId])).toEqual([['b', 't2']]);
  });

  it('prune cuts the oldest entries within the budget, small and large logs alike, and drops emptied logs', () => {
    const activity = new MemoryActivity();
    const small = Array.from({ length: 5 }, (_, index) => entry('s', T + index));
    const large = Array.from({ length: 30 }, (_, index) => entry('l', T + index));
    activity.append([...small, ...large]);
    activity.prune(T, 3, T + 10, undefined);
    expect(all(activity, 's')).toEqual(small.slice(3).reverse());
    activity.prune(T, 100, T + 10, undefined);
    expect(all(activity, 's')).toEqual([]);
    expect(all(activity, 'l')).toEqual(large.slice(11).reverse());
    // Appends still keep the order after a cut.
    activity.append([entry('l', T + 5), entry('s', T + 50)]);
    expect(all(activity, 'l').at(-1)!.at).toBe(T + 5);
    expect(all(activity, 's').map((item) => item.at)).toEqual([T + 50]);
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
  it('answers the previous sighting and keeps the latest, in order of first sighting, past the small-list size', () => {
    for (const count of [1, 2, 8, 9, 20]) {
      const activity = new MemoryActivity();
      for (let index = 0; index < count; index++) expect(activity.rememberDevice('u', `h${index}`, T + index)).toBeNull();
      expect(activity.rememberDevice('u', 'h0', T + 100)).toBe(T);
      expect(activity.rememberDevice('u', 'h0', T + 50)).toBe(T + 100);
      if (count > 1) expect(activity.rememberDevice('u', `h${count - 1}`, T - 5)).toBe(T + count - 1);
      const expected = Array.from({ length: count }, (_, index) => ({ deviceHash: `h${index}`, lastSeenAt: index === 0 ? T + 100 : T + index }));
      expect(activity.devices('u')).toEqual(expected);
      expect(activity.devices('other')).toEqual([]);
    }
  });

  it('prune drops devices last seen at or before the cut within the budget, then stops', () => {
    for (const count of [3, 12]) {
      const activity = new MemoryActivity();
      for (let index = 0; index < count; index++) activity.rememberDevice('u', `h${index}`, index % 2 === 0 ? T : T + 100);
      activity.rememberDevice('v', 'only', T);
      const old = Array.from({ length: count }, (_, index) => index).filter((index) => index % 2 === 0);
      // A budget of one: the first old device goes, nothing else.
      activity.prune(T, 1, undefined, T);
      expect(activity.devices('u').map((item) => item.deviceHash)).toEqual(Array.from({ length: count }, (_, index) => `h${index}`).filter((hash) => hash !== 'h0'));
      activity.prune(T, 1_000, undefined, T);
      expect(activity.devices('u').map((item) => item.deviceHash)).toEqual(Array.from({ length: count }, (_, index) => index).filter((index) => !old.includes(index)).map((index) => `h${index}`));
      expect(activity.devices('v')).toEqual([]);
      // A user whose devices all went is gone, and comes back as new.
      activity.prune(T, 1_000, undefined, T + 100);
      expect(activity.devices('u')).toEqual([]);
      expect(activity.rememberDevice('u', 'h1', T + 200)).toBeNull();
    }
  });

  it('erase and clear forget devices and entries', () => {
    const activity = new MemoryActivity();
    activity.append([entry('u', T), entry('w', T)]);
    activity.rememberDevice('u', 'h', T);
    activity.rememberDevice('w', 'h', T);
    activity.erase('u');
    expect(all(activity, 'u')).toEqual([]);
    expect(activity.devices('u')).toEqual([]);
    expect(all(activity, 'w')).toHaveLength(1);
    activity.clear();
    expect(all(activity, 'w')).toEqual([]);
    expect(activity.devices('w')).toEqual([]);
  });
});
