import { storeOperations } from '../../storage/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC_DEVICE, freshUser, newRecord } from './fixtures.js';

/** One session per browser + OS: atomic replacement inside `create`. */
export function describeDeviceReplacement({ describe, it, expect, store, sibling }: StoreSuiteContext): void {
  describe('one session per browser and OS', () => {
    it('replaces the older session of the same device, kind and user', async () => {
      const user = freshUser();
      const first = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true });
      const second = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true });
      expect(second.replaced.map(({ id }) => id)).toEqual([first.session.id]);
      expect((await store().get(first.session.id))!.session.revokedReason).toBe('replaced');
      expect((await store().get(second.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('leaves exactly one live row after concurrent sign-ins from one browser', async () => {
      const user = freshUser();
      // Two app servers: one server's sign-ins of a user queue, the two servers' race.
      const servers = [store(), storeOperations(await sibling())];
      const results = await Promise.all(Array.from({ length: 12 }, (_, index) => servers[index % 2]!.create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true })));
      const { sessions } = await store().listByUser(user);
      expect(sessions.filter((session) => session.revokedAt === undefined)).toHaveLength(1);
      expect(sessions).toHaveLength(12);
      expect(new Set(results.flatMap((result) => result.replaced.map(({ id }) => id))).size).toBe(11);
    });

    it('records replaced sessions in the deny-list when asked', async () => {
      const user = freshUser();
      const until = Date.now() + 600_000;
      const first = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true });
      await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true, denyUntil: until });
      expect((await store().getRevocationState(user)).denied[first.session.id]).toBe(until);
    });
  });
}
