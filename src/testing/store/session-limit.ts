import { isSessionError } from '../../errors.js';
import { createSessionManager } from '../../manager/index.js';
import type { SessionRecord } from '../../store.js';
import type { StoreOperations } from '../../storage/types.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, CHROME_MAC_DEVICE, codeOf, evictOldest, FIREFOX_WINDOWS, freshUser, insert, newRecord, refuse, SAFARI_IPHONE } from './fixtures.js';

async function liveIds(store: StoreOperations, userId: string, kind = 'browser'): Promise<string[]> {
  const { sessions, epochs } = await store.listByUser(userId);
  const epoch = epochs[kind] ?? 0;
  const now = Date.now();
  return sessions
    .filter((session: SessionRecord) => session.kind === kind && session.revokedAt === undefined && session.createdAt > epoch && session.expiresAt > now)
    .map((session) => session.id)
    .sort();
}

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
      expect([result.evictedIds, result.replacedIds]).toEqual([[b.id], []]);
      const evicted = (await store().get(b.id))!.session;
      expect(evicted.revokedReason).toBe('session_limit');
      expect(evicted.revokedAt).toBeDefined();
      expect((await store().getRevocationState(user)).denied[b.id]).toBe(t + 900_000);
      expect(await liveIds(store(), user)).toEqual([a.id, c.id, result.session.id].sort());
    });

    it('under the cap evicts nothing and says so with an empty list', async () => {
      const user = freshUser();
      await insert(store(), user);
      expect((await store().create(newRecord(store(), user), { replaceDevice: false, limit: evictOldest(2) })).evictedIds).toEqual([]);
      expect(await liveIds(store(), user)).toHaveLength(2);
    });

    it('breaks ties on last use by sign-in time', async () => {
      const user = freshUser();
      const t = Date.now();
      const a = await insert(store(), user, { createdAt: t + 1 });
      const b = await insert(store(), user, { createdAt: t });
      await store().touch(a.id, t + 10_000);
      await store().touch(b.id, t + 10_000);
      expect((await store().create(newRecord(store(), user, { createdAt: t + 2 }), { replaceDevice: false, limit: evictOldest(2) })).evictedIds).toEqual([b.id]);
    });

    it('evicts as many as it takes to get under the cap', async () => {
      const user = freshUser();
      const t = Date.now();
      const made: SessionRecord[] = [];
      for (let index = 0; index < 5; index++) made.push(await insert(store(), user, { createdAt: t + index }));
      const result = await store().create(newRecord(store(), user, { createdAt: t + 10 }), { replaceDevice: false, limit: evictOldest(2) });
      expect([...(result.evictedIds ?? [])].sort()).toEqual(made.slice(0, 4).map((session) => session.id).sort());
      expect(await liveIds(store(), user)).toEqual([made[4]!.id, result.session.id].sort());
    });

    it('counts only live, non-idle sessions of the same user and kind', async () => {
      const user = freshUser();
      const t = Date.now();
      // Dead or elsewhere: revoked, expired, before the epoch, another kind, another user.
      const revoked = await insert(store(), user, { createdAt: t });
      await store().revoke(revoked.id, { at: t + 1, reason: 'revoked' });
      await insert(store(), user, { createdAt: t, maxAge: 1 });
      await insert(store(), user, { createdAt: t });
      await store().revokeAll(user, { kinds: ['browser'], at: t + 5 });
      await insert(store(), user, { kind: 'remember', createdAt: t + 10 });
      for (let index = 0; index < 3; index++) await insert(store(), freshUser('other'), { createdAt: t + 10 });
      // Idle: last used at or before idleBefore.
      const idle = await insert(store(), user, { createdAt: t + 10 });
      const live = await insert(store(), user, { createdAt: t + 11 });
      await store().touch(live.id, t + 100);
      const second = await store().create(newRecord(store(), user, { createdAt: t + 20 }), { replaceDevice: false, limit: evictOldest(2, t + 15) });
      expect(second.evictedIds).toEqual([]);
      expect((await store().create(newRecord(store(), user, { createdAt: t + 30 }), { replaceDevice: false, limit: evictOldest(2, t + 15) })).evictedIds).toEqual([second.session.id]);
      expect((await store().get(idle.id))!.session.revokedAt).toBeUndefined();
      expect(await liveIds(store(), user, 'remember')).toHaveLength(1);
    });

    it('a session this sign-in replaces frees its place', async () => {
      const user = freshUser();
      const first = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true, limit: evictOldest(1) });
      const second = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true, limit: evictOldest(1) });
      expect([second.replacedIds, second.evictedIds]).toEqual([[first.session.id], []]);
      expect((await store().get(first.session.id))!.session.revokedReason).toBe('replaced');
    });

    it('"refuse" writes nothing at all: no session, no replacement', async () => {
      const user = freshUser();
      const device = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true });
      await insert(store(), user);
      await insert(store(), user);
      const record = newRecord(store(), user, CHROME_MAC_DEVICE);
      expect(await codeOf(store().create(record, { replaceDevice: true, limit: refuse(2) }))).toBe('SESSION_LIMIT');
      expect(await store().get(record.id)).toBeNull();
      expect((await store().get(device.session.id))!.session.revokedAt).toBeUndefined();
      expect(await liveIds(store(), user)).toHaveLength(3);
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

    it('the manager: "refuse" lists the live sessions, and other kinds have their own cap', async () => {
      let now = Date.now();
      const sessions = createSessionManager({ store: raw(), clock: () => now, maxSessions: 2, onMaxSessions: 'refuse' });
      const user = freshUser();
      const laptop = await sessions.create({ userId: user, userAgent: CHROME_MAC });
      now += 1_000;
      const desktop = await sessions.create({ userId: user, userAgent: FIREFOX_WINDOWS });
      now += 1_000;
      const refused = await sessions.create({ userId: user, userAgent: SAFARI_IPHONE }).catch((error: unknown) => error);
      expect(isSessionError(refused) && refused.code).toBe('SESSION_LIMIT');
      const listed = isSessionError(refused) ? (refused.sessions ?? []) : [];
      expect([listed.map((view) => view.id), listed[0]!.deviceLabel]).toEqual([[desktop.session.id, laptop.session.id], 'Firefox on Windows']);
      // The refused sign-in changed nothing; the API kind is capped on its own.
      expect((await sessions.validate(laptop.token)).ok).toBe(true);
      await sessions.create({ userId: user, kind: 'api' });
      expect(await sessions.list(user)).toHaveLength(3);
    });
  });
}
