import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, evictOldest, FIREFOX_WINDOWS, freshUser, insert, newRecord, SAFARI_IPHONE } from './fixtures.js';

/** `maxSessions`: the cap on live sessions per user and kind, enforced inside `create`. */
export function describeSessionLimit({ describe, it, expect, store, raw, sibling }: StoreSuiteContext): void {
  describe('the session cap', () => {
    it('evicts the least recently used session of the kind, not the oldest, and deny-lists it', async () => {
      const user = freshUser();
      const t = Date.now();
      const a = await insert(store(), user, { createdAt: t });
      const b = await insert(store(), user, { createdAt: t + 1 });
      const c = await insert(store(), user, { createdAt: t + 2 });
      await store().touch(a.id, t + 50_000);
      await store().touch(c.id, t + 40_000);
      const result = await store().create(newRecord(store(), user, { createdAt: t + 3 }), { replaceDevice: false, limit: evictOldest(3), denyUntil: t + 900_000 });
      expect([result.evicted, result.replaced].map((rows) => rows.map(({ id }) => id))).toEqual([[b.id], []]);
      const evicted = (await store().get(b.id))!.session;
      expect(evicted.revokedReason).toBe('session_limit');
      expect(evicted.revokedAt).toBeDefined();
      expect((await store().getRevocationState(user)).denied[b.id]).toBe(t + 900_000);
      for (const { id } of [a, c, result.session]) expect((await store().get(id))!.session.revokedAt).toBeUndefined();
    });

    it('the manager: a sign-in over maxSessions signs the least recently used device out, on every instance', async () => {
      let now = Date.now();
      const options = { clock: () => now, maxSessions: { browser: 2 } };
      const one = createSessionManager({ ...options, store: raw() });
      const two = createSessionManager({ ...options, store: await sibling() });
      const user = freshUser();
      const laptop = await one.create({ userId: user, userAgent: CHROME_MAC });
      now += 1_000;
      const desktop = await two.create({ userId: user, userAgent: FIREFOX_WINDOWS });
      now += 61_000;
      expect((await one.validate(laptop.token)).ok).toBe(true);
      const revoked: Array<{ reason: string; ids: readonly string[] | undefined }> = [];
      one.on('session.revoked', (event) => void revoked.push({ reason: event.reason, ids: event.sessionIds }));
      const phone = await one.create({ userId: user, userAgent: SAFARI_IPHONE });
      expect(revoked).toEqual([{ reason: 'session_limit', ids: [desktop.session.id] }]);
      expect(await two.validate(desktop.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await two.validate(laptop.token)).ok).toBe(true);
      expect((await one.list(user)).map((view) => view.id).sort()).toEqual([laptop.session.id, phone.session.id].sort());
    });
  });
}
