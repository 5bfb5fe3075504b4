// The guide's store, tested as its author would: through the package's own kit, in one line; then at a size the kit does not reach.
import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from 'session-revocation/testing';
import { mapStore } from '../../examples/map-store/map-store.js';

describeStoreConformance("the guide's map store", () => mapStore());

describe("the guide's map store, at a size the kit does not reach", () => {
  it('prunes old activity however many entries it holds (no spread of them all into one call)', async () => {
    const store = mapStore();
    const count = 200_000;
    const writes = Array.from({ length: count }, (_, index) => ({ type: 'activity' as const, entry: { id: `e.${String(index).padStart(6, '0')}`, userId: 'u1', type: 'session.created', at: index, reason: 'sign_in' } }));
    expect(await store.apply({ owner: { userId: 'u1' }, writes })).toBe(true);
    expect(await store.prune({ now: 0, limit: 10, activityBefore: count - 2 })).toBe(0);
    expect((await store.listActivity!('u1', { limit: 10 })).map((entry) => entry.at)).toEqual([count - 1]);
    await store.close();
  });
});
