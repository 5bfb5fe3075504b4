import { describe, expect, it } from 'vitest';
import { storeOperations } from '../../src/storage/index.js';
import type { ActivityRecord, SessionStore } from '../../src/store.js';
import { userBucket } from '../../src/store-records.js';
import { freshUser, insert } from '../../src/testing/store/fixtures.js';

const DAY = 24 * 60 * 60 * 1000;
const entry = (id: string, fields: Partial<ActivityRecord> = {}): ActivityRecord => ({ id, type: 'session.created', at: Date.now(), reason: 'sign_in', ...fields });

/**
 * What the Redis store does across hash tags, over one client: on a cluster a tenant's keys and
 * a one-time key's sit on other slots than their user's, reached by their own commands.
 */
export function describeCapabilities(label: string, makeStore: () => SessionStore): void {
  describe(`Redis store across slots (${label})`, () => {
    it("answers a tenant's epochs with its session, on the first read and the remembered ones", async () => {
      const store = makeStore();
      const operations = storeOperations(store);
      const tenantId = `tenant-${freshUser('t')}`;
      const userId = freshUser('tenant-user');
      const now = Date.now();
      const inTenant = await insert(operations, userId, { tenantId, createdAt: now + 60_000 });
      const plain = await insert(operations, userId);
      expect((await store.readTenant(tenantId)).highWater).toEqual({ browser: inTenant.createdAt });
      expect((await store.get(plain.id))?.tenantEpochs).toBeUndefined();
      // A user's batch raised the mark: the tenant's version is its own batches'.
      expect(await store.apply({ owner: { tenantId }, version: 1, writes: [{ type: 'epochs', epochs: { browser: now } }], notify: true })).toBe(false);
      expect(await store.apply({ owner: { tenantId }, version: 0, writes: [{ type: 'epochs', epochs: { browser: now } }] })).toBe(true);
      for (let round = 0; round < 3; round++) expect({ ...(await store.get(inTenant.id))?.tenantEpochs }).toEqual({ browser: now });
      expect({ ...(await store.readUser(userId)).tenantEpochs[tenantId] }).toEqual({ browser: now });
      expect({ ...(await store.readUser(freshUser('other'), tenantId)).tenantEpochs[tenantId] }).toEqual({ browser: now });
      // The high-water mark keeps the larger, written after the user's own batch held.
      const user = await store.readUser(userId);
      expect(await store.apply({ owner: { userId }, version: user.version, writes: [{ type: 'highWater', tenantId, kind: 'browser', at: now }] })).toBe(true);
      expect(await store.readTenant(tenantId)).toEqual({ version: 1, epochs: { browser: now }, highWater: { browser: inTenant.createdAt } });
      await store.close();
    });

    it("puts a user's keys on their own slots, and erases them with the user, but not another's", async () => {
      const store = makeStore();
      const userId = freshUser('erased');
      const other = freshUser('kept');
      const now = Date.now();
      const session = await insert(storeOperations(store), userId);
      const keys = ['link:a', 'link:b', 'link:c', 'link:d', 'link:e'];
      for (const key of keys) expect(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value: key, expiresAt: now + DAY, userId }] })).toBe(true);
      // Put again for another user: the erase leaves it.
      expect(await store.apply({ owner: { key: 'link:e' }, version: 1, writes: [{ type: 'putKey', key: 'link:e', value: 'x', expiresAt: now + DAY, userId: other }] })).toBe(true);
      expect(new Set(keys.map(userBucket)).size).toBeGreaterThan(1);
      const state = await store.readUser(userId);
      expect(await store.apply({ owner: { userId }, version: state.version, writes: [{ type: 'activity', entry: entry('c001', { userId }) }, { type: 'erase' }] })).toBe(true);
      expect(await store.get(session.id)).toBeNull();
      for (const key of keys.slice(0, 4)) expect(await store.readKey(key)).toEqual({ version: 0 });
      expect(await store.readKey('link:e')).toEqual({ version: 2, value: 'x', expiresAt: now + DAY });
      expect(await store.listActivity!(userId, { limit: 10 })).toEqual([]);
      expect((await store.readUser(userId)).version).toBe(state.version + 1);
      await store.close();
    });

    it('prunes rows, keys, deny-list, activity and devices of many buckets, rows within the limit', async () => {
      const store = makeStore();
      const operations = storeOperations(store);
      const now = Date.now();
      const old = now - 10 * DAY;
      const users = Array.from({ length: 4 }, () => freshUser('pruned'));
      const tenantId = `tenant-${freshUser('t')}`;
      for (const userId of users) {
        const live = await insert(operations, userId);
        await insert(operations, userId, { createdAt: now - 1.5 * DAY, maxAge: DAY });
        const { version } = await store.readUser(userId);
        const writes = [
          { type: 'deny', sessionId: live.id, until: now - 1 },
          { type: 'device', deviceHash: 'o'.repeat(43), lastSeenAt: old },
          { type: 'device', deviceHash: 'n'.repeat(43), lastSeenAt: now },
          { type: 'activity', entry: entry(`b0-${userId}`, { userId, at: old }) },
          { type: 'activity', entry: entry(`b1-${userId}`, { userId, at: now }) },
        ] as const;
        expect(await store.apply({ owner: { userId }, version, writes })).toBe(true);
        const key = `claim:${userId}`;
        expect(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value: '1', expiresAt: now - 1 }] })).toBe(true);
      }
      expect(await store.apply({ owner: { tenantId }, writes: [{ type: 'activity', entry: entry('t0', { tenantId, at: old }) }] })).toBe(true);
      expect({ ...(await store.stats!(now)) }).toEqual({ browser: { live: 4, revoked: 0, expired: 4 } });
      expect(await store.prune({ now, limit: 3, activityBefore: now - DAY, devicesBefore: now - DAY })).toBe(3);
      expect(await store.prune({ now, limit: 3 })).toBe(1);
      expect(await store.prune({ now, limit: 3 })).toBe(0);
      for (const userId of users) {
        const state = await store.readUser(userId);
        expect([state.sessions.length, Object.keys(state.denied).length, Object.keys(state.devices)]).toEqual([1, 0, ['n'.repeat(43)]]);
        expect((await store.listActivity!(userId, { limit: 10 })).map((item) => item.id)).toEqual([`b1-${userId}`]);
        expect(await store.readKey(`claim:${userId}`)).toEqual({ version: 0 });
      }
      expect(await store.listActivity!('nobody', { limit: 10, tenantId })).toEqual([]);
      await store.close();
    });

    it('publishes a tenant batch as a notice with the tenant id and an empty user id', async () => {
      const store = makeStore();
      const tenantId = `tenant-${freshUser('t')}`;
      const notices: unknown[] = [];
      let ready!: () => void;
      const subscribed = new Promise<void>((resolve) => (ready = resolve));
      const stop = store.subscribe!((notice) => notices.push(notice), () => ready());
      await subscribed;
      await store.apply({ owner: { userId: 'plain-user' }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      await store.apply({ owner: { tenantId }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      const deadline = Date.now() + 5_000;
      while (notices.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // On a cluster the two notices come from two nodes: their order is not kept.
      expect(notices).toEqual(expect.arrayContaining([{ userId: 'plain-user' }, { userId: '', tenantId }]));
      expect(notices).toHaveLength(2);
      stop();
      await store.close();
    });
  });
}
