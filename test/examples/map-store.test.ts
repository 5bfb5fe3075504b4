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
    // The kept entries are what a spread would pass as arguments: most of them.
    expect(await store.prune({ now: 0, limit: 10, activityBefore: 1 })).toBe(0);
    expect((await store.listActivity!('u1', { limit: count })).map((entry) => entry.at).sort((a, b) => a - b)[0]).toBe(2);
    await store.close();
  });
});
