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
      expect(second.replacedIds).toEqual([first.session.id]);
      const old = (await store().get(first.session.id))!.session;
      expect(old.revokedReason).toBe('replaced');
      expect((await store().get(second.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('keeps different browsers, kinds, users and device-less sessions apart', async () => {
      const user = freshUser();
      const chrome = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true });
      const safari = await store().create(newRecord(store(), user, { deviceKey: 'Safari|Mac OS', browser: 'Safari', os: 'Mac OS' }), { replaceDevice: true });
      const remember = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, kind: 'remember' }), { replaceDevice: true });
      const otherUser = await store().create(newRecord(store(), freshUser('other'), CHROME_MAC_DEVICE), { replaceDevice: true });
      const bare1 = await store().create(newRecord(store(), user), { replaceDevice: true });
      const bare2 = await store().create(newRecord(store(), user), { replaceDevice: true });
      for (const result of [safari, remember, otherUser, bare1, bare2]) expect(result.replacedIds).toEqual([]);
      expect((await store().get(chrome.session.id))!.session.revokedAt).toBeUndefined();
      expect((await store().get(bare1.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('replaces only live sessions: signed out, revoked by an epoch or expired, they keep their state and are not reported', async () => {
      const start = Date.now();
      const signedOutUser = freshUser('signed-out');
      const signedOut = await store().create(newRecord(store(), signedOutUser, { ...CHROME_MAC_DEVICE, createdAt: start }), { replaceDevice: true });
      await store().revoke(signedOut.session.id, { at: start + 1, reason: 'sign_out' });
      const afterSignOut = await store().create(newRecord(store(), signedOutUser, { ...CHROME_MAC_DEVICE, createdAt: start + 2 }), { replaceDevice: true });
      expect(afterSignOut.replacedIds).toEqual([]);
      const tombstone = (await store().get(signedOut.session.id))!.session;
      expect([tombstone.revokedAt, tombstone.revokedReason]).toEqual([start + 1, 'sign_out']);

      // A clock behind: the epoch becomes the newest session's createdAt, which it covers.
      const epochUser = freshUser('epoch');
      const covered = await store().create(newRecord(store(), epochUser, { ...CHROME_MAC_DEVICE, createdAt: start }), { replaceDevice: true });
      expect((await store().revokeAll(epochUser, { kinds: ['browser'], at: start - 1_000 }))['browser']).toBe(start);
      const afterEpoch = await store().create(newRecord(store(), epochUser, { ...CHROME_MAC_DEVICE, createdAt: start + 5 }), { replaceDevice: true });
      expect(afterEpoch.replacedIds).toEqual([]);
      expect((await store().get(covered.session.id))!.session.revokedAt).toBeUndefined();

      // The new session starts exactly when the old one expires (a server whose clock runs ahead).
      const expiredUser = freshUser('expired');
      const expired = await store().create(newRecord(store(), expiredUser, { ...CHROME_MAC_DEVICE, createdAt: start, maxAge: 60_000 }), { replaceDevice: true });
      const afterExpiry = await store().create(newRecord(store(), expiredUser, { ...CHROME_MAC_DEVICE, createdAt: start + 60_000 }), { replaceDevice: true });
      expect(afterExpiry.replacedIds).toEqual([]);
      expect((await store().get(expired.session.id))?.session.revokedAt).toBeUndefined();
    });

    it('does not replace when the caller asks not to', async () => {
      const user = freshUser();
      const first = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: false });
      expect((await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: false })).replacedIds).toEqual([]);
      expect((await store().get(first.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('leaves exactly one live row after concurrent sign-ins from one browser', async () => {
      const user = freshUser();
      // Two app servers: one server's sign-ins of a user queue, the two servers' race.
      const servers = [store(), storeOperations(await sibling())];
      const results = await Promise.all(Array.from({ length: 12 }, (_, index) => servers[index % 2]!.create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true })));
      const { sessions } = await store().listByUser(user);
      const live = sessions.filter((session) => session.revokedAt === undefined);
      expect(live).toHaveLength(1);
      expect(sessions).toHaveLength(12);
      const replaced = results.flatMap((result) => result.replacedIds);
      expect(new Set(replaced).size).toBe(11);
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
