import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, counting, FIREFOX_WINDOWS, freshUser, SAFARI_IPHONE } from './fixtures.js';

/** The manager's promises, kept by this store: one read per validation, app data, the Security page flows. Its exact boundaries are the rules', tested once. */
export function describeManagerOverStore({ describe, it, expect, store, raw }: StoreSuiteContext): void {
  describe('the manager over this store', () => {
    const setup = () => {
      let now = Date.now();
      const counted = counting(raw());
      const sessions = createSessionManager({ store: counted.store, clock: () => now, touchInterval: 60_000 });
      return { sessions, calls: counted.calls, setNow: (value: number) => (now = value), now: () => now };
    };

    it('validates with one store read and writes only a throttled touch', async () => {
      const { sessions, calls, setNow } = setup();
      const { token, session } = await sessions.create({ userId: freshUser(), userAgent: CHROME_MAC });
      calls.clear();
      for (let second = 0; second < 60; second += 15) {
        setNow(session.createdAt + second * 1_000);
        expect((await sessions.validate(token)).ok).toBe(true);
      }
      expect([...calls.entries()]).toEqual([['get', 4]]);
      setNow(session.createdAt + 60_000);
      expect((await sessions.validate(token)).ok).toBe(true);
      expect(calls.get('touch')).toBe(1);
      expect((await store().get(session.id))!.session.lastUsedAt).toBe(session.createdAt + 60_000);
    });

    it('hands back the app data at sign-in as validate reads it later, and none when none was given', async () => {
      const { sessions } = setup();
      for (const data of [{ plan: 'pro', seats: 3, nested: { list: [1, 'two', null] } }, undefined]) {
        const created = await sessions.create({ userId: freshUser(), data });
        expect(created.session.data).toEqual(data);
        const validated = await sessions.validate(created.token);
        expect(validated.ok ? validated.session.data : validated).toEqual(data);
      }
    });

    it('runs the Security page: list, log out one, log out others, sign out everywhere', async () => {
      const { sessions } = setup();
      const user = freshUser();
      const laptop = await sessions.create({ userId: user, userAgent: CHROME_MAC });
      const phone = await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      const work = await sessions.create({ userId: user, userAgent: FIREFOX_WINDOWS });
      const api = await sessions.create({ userId: user, kind: 'api' });
      const list = await sessions.list(user, { currentSessionId: laptop.session.id, kinds: ['browser'] });
      expect([list[0]!.deviceLabel, list[0]!.current]).toEqual(['Chrome on Mac OS', true]);
      expect(list.slice(1).map((row) => `${row.deviceLabel}:${String(row.current)}`).sort()).toEqual(['Firefox on Windows:false', 'Safari on iOS:false']);
      expect(list).toHaveLength(3);
      expect(await sessions.revoke(phone.session.id, { userId: user })).toBe(true);
      expect((await sessions.validate(phone.token)).ok).toBe(false);
      await sessions.revokeOthers(user, laptop.session.id);
      expect((await sessions.validate(work.token)).ok).toBe(false);
      expect((await sessions.validate(laptop.token)).ok).toBe(true);
      await sessions.revokeAll(user);
      expect((await sessions.validate(laptop.token)).ok).toBe(false);
      expect((await sessions.validate(api.token)).ok).toBe(true);
      expect((await sessions.list(user)).map((row) => row.kind)).toEqual(['api']);
    });
  });
}
