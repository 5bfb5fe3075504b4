import { freshUser, insert, isLive, storedRow } from './fixtures.js';
import type { StoreSuiteContext } from './context.js';

/** Revocation epochs: monotonic, per user and kind, covering every session they revoke. */
export function describeEpochs({ describe, it, expect, store, raw, slowTimeout }: StoreSuiteContext): void {
  describe('epochs', () => {
    it('revokeAll raises the epoch of the named kinds only', async () => {
      const user = freshUser();
      const at = Date.now() + 1_000;
      expect(await store().revokeAll(user, { kinds: ['browser', 'remember'], at })).toEqual({ browser: at, remember: at });
      const state = await store().getRevocationState(user);
      expect([state.epochs['browser'], state.epochs['remember'], state.epochs['api']]).toEqual([at, at, undefined]);
    });

    it('epochs never move backwards: a raise from an earlier time moves them past where they were', async () => {
      const user = freshUser();
      const at = Date.now() + 5_000;
      await store().revokeAll(user, { kinds: ['browser'], at });
      expect((await store().revokeAll(user, { kinds: ['browser'], at: at - 4_000 }))['browser']).toBe(at + 1);
    });

    it('concurrent raises leave the maximum, moved past by each raise applied after it', async () => {
      const user = freshUser();
      const base = Date.now();
      const ats = Array.from({ length: 25 }, (_, index) => base + ((index * 7919) % 25) * 10);
      await Promise.all(ats.map((at) => store().revokeAll(user, { kinds: ['browser'], at })));
      expect(ats.map((_, index) => Math.max(...ats) + index)).toContain((await store().getRevocationState(user)).epochs['browser']);
    });

    it('epochs belong to one user', async () => {
      const alice = freshUser('alice');
      const bob = freshUser('bob');
      const bobSession = await insert(store(), bob);
      await store().revokeAll(alice, { kinds: ['browser'], at: Date.now() + 1_000 });
      const found = await store().get(bobSession.id);
      expect(isLive(found!, Date.now())).toBe(true);
    });

    it('get returns the epochs of the session user with the session', async () => {
      const user = freshUser();
      const session = await insert(store(), user);
      const epochs = await store().revokeAll(user, { kinds: ['browser'], at: Date.now() });
      const found = await store().get(session.id);
      expect(found!.epochs['browser']).toBe(epochs['browser']);
      expect(isLive(found!, Date.now())).toBe(false);
    });

    it('revokes 10,000 sessions of one user with one raise', async () => {
      const user = freshUser('large');
      // Seeded by the store's own batches: one sign-in at a time would read the growing list 10,000 times.
      for (let batch = 0; batch < 20; batch++) {
        const writes = Array.from({ length: 500 }, () => ({ type: 'insert' as const, session: storedRow(store(), user) }));
        expect(await raw().apply({ owner: { userId: user }, writes })).toBe(true);
      }
      const at = Date.now();
      await store().revokeAll(user, { kinds: ['browser', 'remember'], at });
      const { sessions, epochs } = await store().listByUser(user);
      expect(sessions).toHaveLength(10_000);
      expect(sessions.filter((session) => isLive({ session, epochs }, at))).toHaveLength(0);
      const fresh = await insert(store(), user, { createdAt: at });
      const found = await store().get(fresh.id);
      expect(isLive(found!, at + 1)).toBe(true);
    }, slowTimeout);
  });
}
