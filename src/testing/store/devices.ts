import { freshUser, newRecord } from './fixtures.js';
import type { StoreSuiteContext } from './context.js';

const chromeMac = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };

/** One session per browser + OS: atomic replacement inside `create`. */
export function describeDeviceReplacement({ runner, store }: StoreSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('one session per browser and OS', () => {
    it('replaces the older session of the same device, kind and user', async () => {
      const user = freshUser();
      const first = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: true });
      const second = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: true });
      expect(second.replacedIds).toEqual([first.session.id]);
      const old = (await store().get(first.session.id))!.session;
      expect(old.revokedReason).toBe('replaced');
      expect((await store().get(second.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('keeps different browsers, kinds, users and device-less sessions apart', async () => {
      const user = freshUser();
      const chrome = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: true });
      const safari = await store().create(
        newRecord(store(), user, { deviceKey: 'Safari|Mac OS', browser: 'Safari', os: 'Mac OS' }),
        { replaceDevice: true },
      );
      const remember = await store().create(newRecord(store(), user, { ...chromeMac, kind: 'remember' }), { replaceDevice: true });
      const otherUser = await store().create(newRecord(store(), freshUser('other'), chromeMac), { replaceDevice: true });
      const bare1 = await store().create(newRecord(store(), user), { replaceDevice: true });
      const bare2 = await store().create(newRecord(store(), user), { replaceDevice: true });
      for (const result of [safari, remember, otherUser, bare1, bare2]) expect(result.replacedIds).toEqual([]);
      expect((await store().get(chrome.session.id))!.session.revokedAt).toBeUndefined();
      expect((await store().get(bare1.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('does not replace when the caller asks not to', async () => {
      const user = freshUser();
      const first = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: false });
      const second = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: false });
      expect(second.replacedIds).toEqual([]);
      expect((await store().get(first.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('leaves exactly one live row after concurrent sign-ins from one browser', async () => {
      const user = freshUser();
      const results = await Promise.all(
        Array.from({ length: 12 }, () => store().create(newRecord(store(), user, chromeMac), { replaceDevice: true })),
      );
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
      const first = await store().create(newRecord(store(), user, chromeMac), { replaceDevice: true });
      await store().create(newRecord(store(), user, chromeMac), { replaceDevice: true, denyUntil: until });
      expect((await store().getRevocationState(user)).denied[first.session.id]).toBe(until);
    });
  });
}
