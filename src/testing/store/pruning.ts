import { DAY, freshUser, inBatches, insert, isLive, newRecord, storedRow } from './fixtures.js';
import type { StoreSuiteContext } from './context.js';

const HOUR = 60 * 60 * 1000;

/** Pruning: bounded batches, tombstones included, epochs, high-water marks and versions kept. */
export function describePruning({ describe, it, expect, store, raw, sibling, slowTimeout }: StoreSuiteContext): void {
  describe('pruning', () => {
    it('deletes expired rows in bounded batches and keeps the rest', async () => {
      const user = freshUser();
      const base = Date.now();
      const expired: string[] = [];
      await inBatches(25, 25, async (index) => {
        expired.push((await insert(store(), user, { createdAt: base + index, maxAge: HOUR })).id);
      });
      const kept = await insert(store(), user, { createdAt: base, maxAge: 3 * HOUR });
      const now = base + 2 * HOUR;
      const batches: number[] = [];
      for (let round = 0; round < 10; round++) {
        const deleted = await store().prune({ now, limit: 10 });
        batches.push(deleted);
        if (deleted === 0) break;
      }
      expect(batches).toEqual([10, 10, 5, 0]);
      for (const id of expired) expect(await store().get(id)).toBeNull();
      expect(await store().get(kept.id)).not.toBeNull();
      expect((await store().listByUser(user)).sessions.map((s) => s.id)).toEqual([kept.id]);
    });

    it('a call with a small limit deletes due rows stored after more rows that are not due (no limit taken before the filter)', async () => {
      const user = freshUser();
      const base = Date.now();
      await inBatches(15, 15, (index) => insert(store(), user, { createdAt: base + index, maxAge: 3 * HOUR }));
      const due: string[] = [];
      await inBatches(5, 5, async (index) => void due.push((await insert(store(), user, { createdAt: base + 20 + index, maxAge: HOUR })).id));
      for (let round = 0; round < 20 && (await store().prune({ now: base + 2 * HOUR, limit: 4 })) > 0; round++);
      for (const id of due) expect(await store().get(id)).toBeNull();
      expect((await store().listByUser(user)).sessions).toHaveLength(15);
    });

    it('deletes a row exactly at its expiry and not 1 ms before', async () => {
      const session = await insert(store(), freshUser(), { maxAge: HOUR });
      expect(await store().prune({ now: session.expiresAt - 1, limit: 100 })).toBe(0);
      expect(await store().get(session.id)).not.toBeNull();
      expect(await store().prune({ now: session.expiresAt, limit: 100 })).toBeGreaterThanOrEqual(1);
      expect(await store().get(session.id)).toBeNull();
    });

    it('prunes tombstones after their expiry, keeps them before', async () => {
      const session = await insert(store(), freshUser(), { maxAge: HOUR });
      await store().revoke(session.id, { at: session.createdAt + 1, reason: 'sign_out' });
      await store().prune({ now: session.createdAt + HOUR / 2, limit: 100 });
      expect((await store().get(session.id))!.session.revokedReason).toBe('sign_out');
      await store().prune({ now: session.expiresAt, limit: 100 });
      expect(await store().get(session.id)).toBeNull();
    });

    it('never deletes epochs, high-water marks or versions, and a pruned session is not recreated by a late touch or revoke', async () => {
      const user = freshUser();
      const session = await insert(store(), user, { maxAge: HOUR });
      const epochs = await store().revokeAll(user, { kinds: ['browser'], at: session.createdAt + 10 });
      const owner = async () => {
        const { version, epochs: stored, highWater } = await raw().readUser(user, undefined, null);
        return [version, { ...stored }, { ...highWater }];
      };
      const before = await owner();
      await store().prune({ now: session.expiresAt + 1, limit: 100 });
      // A version that falls back lets a batch decided on an older read hold; a lost mark lets a slower clock's sign-out miss a session.
      expect(await owner()).toEqual(before);
      expect(await store().touch(session.id, session.expiresAt + 2)).toBe(false);
      expect(await store().revoke(session.id, { at: session.expiresAt + 3, reason: 'revoked' })).toBeNull();
      expect(await store().get(session.id)).toBeNull();
      expect((await store().getRevocationState(user)).epochs['browser']).toBe(epochs['browser']);
    });

    it('a sign-out everywhere and a tenant-wide one outlive any prune while their sessions live', async () => {
      const tenantId = freshUser('tenant');
      const mine = await insert(store(), freshUser());
      const theirs = await insert(store(), freshUser(), { tenantId });
      await store().revokeAll(mine.userId, { kinds: ['browser'], at: mine.createdAt + 10 });
      await store().revokeTenant(tenantId, { kinds: ['browser'], at: theirs.createdAt + 10 });
      // An epoch is no time that runs out: days later both sessions, 30 days long, still read as signed out.
      const now = mine.createdAt + 2 * DAY;
      await store().prune({ now, limit: 100 });
      const [a, b] = [(await store().get(mine.id))!, (await store().get(theirs.id))!];
      expect([isLive(a, now), isLive(b, now)]).toEqual([false, false]);
    });

    it('drops deny-list entries only once they ran out', async () => {
      const user = freshUser();
      const session = await insert(store(), user);
      const until = Date.now() + HOUR;
      await store().revoke(session.id, { at: Date.now(), reason: 'revoked', denyUntil: until });
      await store().prune({ now: until - 1, limit: 100 });
      expect((await store().getRevocationState(user)).denied[session.id]).toBe(until);
      await store().prune({ now: until, limit: 100 });
      expect((await store().getRevocationState(user)).denied[session.id]).toBeUndefined();
    });

    it('pruning twice changes nothing more', async () => {
      const user = freshUser();
      const base = Date.now();
      await insert(store(), user, { createdAt: base, maxAge: HOUR });
      const live = await insert(store(), user, { createdAt: base, maxAge: 5 * HOUR });
      const now = base + 2 * HOUR;
      // Bounded: a prune that answers rows it did not delete fails here rather than hanging the run.
      for (let round = 0; round < 10 && (await store().prune({ now, limit: 1_000 })) > 0; round++);
      expect(await store().prune({ now, limit: 1_000 })).toBe(0);
      expect(await store().get(live.id)).not.toBeNull();
    });

    it('a call deletes a due session behind hundreds of due keys, however small its limit', async () => {
      const base = Date.now();
      const owner = freshUser('keys');
      await inBatches(300, 50, (index) => store().claimKey(`${owner}-${index}`, base + 10));
      const session = await insert(store(), freshUser(), { createdAt: base, maxAge: HOUR });
      // While the session is there, something is due: no call may answer 0.
      for (let call = 0; call < 50 && (await store().get(session.id)) !== null; call++) expect(await store().prune({ now: base + 2 * HOUR, limit: 1 })).toBe(1);
      expect(await store().get(session.id)).toBeNull();
    }, slowTimeout);

    it('prunes across many users', async () => {
      const base = Date.now();
      const users = Array.from({ length: 40 }, () => freshUser('many'));
      await inBatches(users.length, 20, (index) => store().create(newRecord(store(), users[index]!, { createdAt: base, maxAge: HOUR }), { replaceDevice: false }));
      let total = 0;
      for (let round = 0; round < 20; round++) {
        const deleted = await store().prune({ now: base + 2 * HOUR, limit: 15 });
        expect(deleted).toBeLessThanOrEqual(15);
        total += deleted;
        if (deleted === 0) break;
      }
      expect(total).toBeGreaterThanOrEqual(40);
      for (const user of users) expect((await store().listByUser(user)).sessions).toHaveLength(0);
    }, slowTimeout);

    // Each app server prunes on its own timer, so they meet: a database may fail one on rows another deleted first (a deadlock, a serialization failure).
    it('four app servers pruning one backlog at once: none fails, each due row is counted once, and no row not due goes', async () => {
      const base = Date.now();
      const servers = [raw(), await sibling(), await sibling(), await sibling()];
      for (let round = 0; round < 4; round++) {
        const users = Array.from({ length: 12 }, () => freshUser('herd'));
        const kept = await insert(store(), users[0]!, { createdAt: base, maxAge: 3 * HOUR });
        for (const user of users) {
          const writes = Array.from({ length: 100 }, (_, index) => ({ type: 'insert' as const, session: { ...storedRow(store(), user), expiresAt: base + HOUR + ((index * 37) % 100) } }));
          expect(await raw().apply({ owner: { userId: user }, writes })).toBe(true);
        }
        // As the manager runs it: batches until one answers 0.
        const run = async (server: (typeof servers)[number]): Promise<number> => {
          let total = 0;
          for (let round = 0, deleted = -1; deleted !== 0 && round < 1_000; round++, total += deleted) deleted = await server.prune({ now: base + 2 * HOUR, limit: 25 });
          return total;
        };
        const counts = await Promise.allSettled(servers.map(run));
        expect(counts.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'ok'))).toEqual(servers.map(() => 'ok'));
        // One that found another ahead may stop early: a later run deletes what they left.
        const later = await run(raw());
        expect(counts.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), later)).toBe(users.length * 100);
        expect((await store().listByUser(users[0]!)).sessions.map((session) => session.id)).toEqual([kept.id]);
      }
    }, slowTimeout);
  });
}
