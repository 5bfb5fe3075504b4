import { storeOperations } from '../../storage/index.js';
import type { StoreSuiteContext } from './context.js';
import { apart, freshUser, insert, turns } from './fixtures.js';

/** Defined outcomes when writes race each other. */
export function describeRaces({ describe, it, expect, store, raw, sibling, slowTimeout }: StoreSuiteContext): void {
  // Each contender through a store object of its own: through one object, calls may take turns and never race.
  const server = () => storeOperations(apart(raw()));

  describe('races', () => {
    it('touch racing with revoke (from another instance) always ends revoked', async () => {
      const other = storeOperations(await sibling());
      // A user per session, so no revoke waits for another; in rounds, the touches a turn apart: some revoke lands between a touch's read and its write.
      for (let round = 0; round < 5; round++) {
        const sessions = await Promise.all(Array.from({ length: 40 }, () => insert(store(), freshUser())));
        await Promise.all(
          sessions.flatMap((session, index) => [
            turns(index % 4).then(() => store().touch(session.id, session.createdAt + 61_000)),
            other.revoke(session.id, { at: session.createdAt + 1, reason: 'revoked' }),
            store().touch(session.id, session.createdAt + 62_000),
          ]),
        );
        const ends = await Promise.all(sessions.map(async (session) => (await store().get(session.id))!.session.revokedAt === session.createdAt + 1));
        expect(ends.filter((ended) => !ended)).toEqual([]);
      }
    }, slowTimeout);

    it('concurrent revokes of one session report exactly one winner', async () => {
      const session = await insert(store(), freshUser());
      const results = await Promise.all(Array.from({ length: 8 }, (_, index) => server().revoke(session.id, { at: session.createdAt + index + 1, reason: `r${index}` })));
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });

    it('revokeOthers racing with revokeAll leaves nothing but the kept session live by row', async () => {
      const user = freshUser();
      const keep = await insert(store(), user);
      await Promise.all(Array.from({ length: 10 }, () => insert(store(), user)));
      const [revoked] = await Promise.all([
        server().revokeOthers(user, { keepSessionId: keep.id, kinds: ['browser'], at: Date.now(), reason: 'sign_out_others' }),
        server().revokeAll(user, { kinds: ['remember'], at: Date.now() }),
      ]);
      expect(revoked).toHaveLength(10);
      const { sessions } = await store().listByUser(user);
      expect(sessions.filter((session) => session.revokedAt === undefined).map((session) => session.id)).toEqual([keep.id]);
    });
  });
}
