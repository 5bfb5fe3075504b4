import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord, SessionStore } from '../../src/store.js';
import { freshUser, insert, newRecord } from '../../src/testing/store/fixtures.js';

const DAY = 24 * 60 * 60 * 1000;
const sha = (text: string): Uint8Array => createHash('sha256').update(text).digest();
const entry = (id: string, fields: Partial<ActivityRecord> = {}): ActivityRecord => ({ id, type: 'session.created', at: Date.now(), reason: 'sign_in', ...fields });
const required = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('The Redis store lacks a capability.');
  return value;
};

/**
 * The new capabilities of the Redis store as a user of the store sees them, over one client
 * (a single server, or a cluster, where a tenant's keys sit on another slot than its users').
 */
export function describeCapabilities(label: string, makeStore: () => SessionStore): void {
  describe(`Redis store capabilities (${label})`, () => {
    it('answers the tenant epochs with the session, on the first read and the remembered ones, and raises them over the high-water mark', async () => {
      const store = makeStore();
      const tenant = `tenant-${freshUser('t')}`;
      const userId = freshUser('tenant-user');
      const now = Date.now();
      // Created by a server whose clock runs ahead: the tenant's mark covers it.
      const ahead = await insert(store, userId, { tenantId: tenant, createdAt: now + 60_000 });
      const plain = await insert(store, userId);
      const first = await store.get(ahead.id);
      expect(first?.session.tenantId).toBe(tenant);
      expect({ ...first?.tenantEpochs }).toEqual({});
      expect((await store.get(plain.id))?.tenantEpochs).toBeUndefined();
      const raised = await required(store.revokeTenant)(tenant, { kinds: ['browser', 'api'], at: now });
      expect({ ...raised }).toEqual({ browser: now + 60_000, api: now });
      for (let round = 0; round < 3; round++) {
        const lookup = await store.get(ahead.id);
        expect(lookup?.tenantEpochs?.['browser']).toBe(now + 60_000);
        expect((await store.get(plain.id))?.tenantEpochs).toBeUndefined();
      }
      // Born after the tenant's epoch, like after a user's.
      const after = await insert(store, userId, { tenantId: tenant, createdAt: now });
      expect(after.createdAt).toBe(now + 60_001);
      const listed = await store.listByUser(userId);
      expect(listed.tenantEpochs?.[tenant]?.['browser']).toBe(now + 60_000);
      const state = await store.getRevocationState(userId, tenant);
      expect({ ...state.tenantEpochs }).toEqual({ browser: now + 60_000, api: now });
      expect((await store.getRevocationState(userId)).tenantEpochs).toBeUndefined();
      // Epochs never go back.
      expect({ ...(await required(store.revokeTenant)(tenant, { kinds: ['api'], at: now - 5 })) }).toEqual({ api: now });
      await store.close?.();
    });

    it('does not count or replace a session its tenant revoked', async () => {
      const store = makeStore();
      const tenant = `tenant-${freshUser('t')}`;
      const userId = freshUser('tenant-device');
      const old = await insert(store, userId, { tenantId: tenant, deviceKey: 'Chrome|Mac OS' });
      await required(store.revokeTenant)(tenant, { kinds: ['browser'], at: Date.now() });
      const limit = { max: 1, onLimit: 'refuse' as const, idleBefore: 0 };
      const created = await store.create(newRecord(store, userId, { tenantId: tenant, deviceKey: 'Chrome|Mac OS' }), { replaceDevice: true, limit });
      expect(created.replacedIds).toEqual([]);
      expect(created.evictedIds).toEqual([]);
      expect((await store.get(old.id))?.session.revokedAt).toBeUndefined();
      // The same user signing in to another tenant from the same browser: neither of the first
      // tenant's rows, ended or live, is this sign-in's to replace or count.
      const elsewhere = await store.create(newRecord(store, userId, { tenantId: `${tenant}-b`, deviceKey: 'Chrome|Mac OS' }), { replaceDevice: true, limit });
      expect([elsewhere.replacedIds, elsewhere.evictedIds]).toEqual([[], []]);
      // Signing out the others, across tenants, ends the live one only.
      expect(await store.revokeOthers(userId, { keepSessionId: elsewhere.session.id, kinds: ['browser'], at: Date.now(), reason: 'revoked' })).toEqual([created.session.id]);
      expect((await store.get(old.id))?.session.revokedAt).toBeUndefined();
      await store.close?.();
    });

    it('keeps the impersonator of a support session everywhere a row is answered', async () => {
      const store = makeStore();
      const userId = freshUser('impersonated');
      const { session } = await store.create(newRecord(store, userId, { kind: 'impersonation', impersonatorId: 'agent-7' }), { replaceDevice: false });
      expect(session.impersonatorId).toBe('agent-7');
      expect((await store.get(session.id))?.session.impersonatorId).toBe('agent-7');
      expect((await store.listByUser(userId)).sessions[0]?.impersonatorId).toBe('agent-7');
      expect((await store.revoke(session.id, { at: Date.now(), reason: 'revoked' }))?.impersonatorId).toBe('agent-7');
      await store.close?.();
    });

    it('writes activity with the change it records, derives entries for replaced sessions, and lists newest first by id with a cursor', async () => {
      const store = makeStore();
      const userId = freshUser('activity');
      const tenant = `tenant-${freshUser('t')}`;
      const at = Date.now();
      const first = await store.create(newRecord(store, userId, { tenantId: tenant, deviceKey: 'Chrome|Mac OS' }), {
        replaceDevice: true,
        activity: entry('a001', { userId, tenantId: tenant, sessionId: 'x', ip: '203.0.113.9', deviceLabel: 'Chrome on Mac OS' }),
      });
      const second = await store.create(newRecord(store, userId, { tenantId: tenant, deviceKey: 'Chrome|Mac OS' }), {
        replaceDevice: true,
        activity: entry('a002', { userId, tenantId: tenant, at }),
      });
      expect(second.replacedIds).toEqual([first.session.id]);
      // A tombstone revoked again changes nothing, and records nothing.
      expect(await store.revoke(first.session.id, { at, reason: 'sign_out', activity: entry('a003', { userId, type: 'session.revoked' }) })).toBeNull();
      await store.revokeOthers(userId, { keepSessionId: second.session.id, kinds: ['browser'], at, reason: 'revoked', activity: entry('a004', { userId, type: 'user.sessions_revoked' }) });
      await store.revokeAll(userId, { kinds: ['browser'], at, activity: entry('a005', { userId, type: 'user.session_invalidated' }) });
      await required(store.appendActivity)([entry('a006', { userId, type: 'session.reauthenticated' })]);
      await required(store.revokeTenant)(tenant, { kinds: ['browser'], at, activity: entry('a0055', { tenantId: tenant, type: 'tenant.revoked' }) });

      const listActivity = required(store.listActivity);
      const page = await listActivity(userId, { limit: 10 });
      expect(page.map((item) => item.id)).toEqual(['a006', 'a005', 'a004', 'a002.0', 'a002', 'a001']);
      expect(page.find((item) => item.id === 'a002.0')).toEqual({ id: 'a002.0', userId, tenantId: tenant, type: 'session.revoked', at, reason: 'replaced', sessionId: first.session.id });
      expect(page.at(-1)).toMatchObject({ ip: '203.0.113.9', deviceLabel: 'Chrome on Mac OS', tenantId: tenant });
      const merged = await listActivity(userId, { limit: 3, tenantId: tenant });
      expect(merged.map((item) => item.id)).toEqual(['a006', 'a0055', 'a005']);
      const next = await listActivity(userId, { limit: 3, tenantId: tenant, before: 'a005' });
      expect(next.map((item) => item.id)).toEqual(['a004', 'a002.0', 'a002']);
      expect(await listActivity(userId, { limit: 3, before: 'a001' })).toEqual([]);
      await store.close?.();
    });

    it('remembers devices with their latest time, and uses a revocation link once, never with a wrong secret or late', async () => {
      const store = makeStore();
      const userId = freshUser('devices');
      const device = 'd'.repeat(43);
      const now = Date.now();
      expect(await required(store.rememberDevice)(userId, device, now)).toBeNull();
      expect(await required(store.rememberDevice)(userId, device, now + 10)).toBe(now);
      expect(await required(store.rememberDevice)(userId, device, now + 5)).toBe(now + 10);
      expect(await required(store.listDevices)(userId)).toEqual([{ deviceHash: device, lastSeenAt: now + 10 }]);

      const link = { id: 'Lk3aaaaaaaaaaaaaaaaaaa', secretHash: sha('secret'), userId, sessionId: 'S00bbbbbbbbbbbbbbbbbbb', expiresAt: now + DAY };
      await required(store.saveRevocationLink)(link);
      const consume = required(store.consumeRevocationLink);
      expect(await consume(link.id, sha('forged'), now)).toBeNull();
      expect(await consume(link.id, sha('secret'), now + DAY)).toBeNull();
      const used = await Promise.all([consume(link.id, sha('secret'), now), consume(link.id, sha('secret'), now)]);
      expect(used.filter((answer) => answer !== null)).toEqual([{ ...link, secretHash: Buffer.from(link.secretHash) }]);
      expect(await consume(link.id, sha('secret'), now)).toBeNull();
      await store.close?.();
    });

    it('counts rows by kind, and prunes activity, devices and links within the bound', async () => {
      const store = makeStore();
      const now = Date.now();
      const userId = freshUser('stats');
      await insert(store, userId);
      const revoked = await insert(store, userId, { kind: 'api' });
      await store.revoke(revoked.id, { at: now, reason: 'revoked' });
      // Expired half a day ago: Redis keeps the key a day past its expiry, for prune.
      await insert(store, userId, { kind: 'api', createdAt: now - 1.5 * DAY, maxAge: DAY });
      expect({ ...(await required(store.stats)(now)) }).toEqual({ browser: { live: 1, revoked: 0, expired: 0 }, api: { live: 0, revoked: 1, expired: 1 } });

      const tenant = `tenant-${freshUser('t')}`;
      const old = now - 10 * DAY;
      const users = [freshUser('pruned'), freshUser('pruned'), freshUser('pruned')];
      for (const [index, user] of users.entries()) {
        await required(store.appendActivity)([entry(`b00${index}`, { userId: user, at: old }), entry(`b01${index}`, { userId: user, at: now })]);
        await required(store.rememberDevice)(user, 'o'.repeat(43), old);
        await required(store.rememberDevice)(user, 'n'.repeat(43), now);
        await required(store.saveRevocationLink)({ id: `Lk${index}cccccccccccccccccccc`, secretHash: sha('s'), userId: user, sessionId: 'S00bbbbbbbbbbbbbbbbbbb', expiresAt: now - 1_000 });
      }
      await required(store.revokeTenant)(tenant, { kinds: ['browser'], at: old, activity: entry('b000', { tenantId: tenant, at: old }) });
      // A link past its expiry that prune has not deleted yet still reads as it was then.
      const unpruned = { id: 'Lk9ccccccccccccccccccc', secretHash: sha('s'), userId: users[0]!, sessionId: 'S00bbbbbbbbbbbbbbbbbbb', expiresAt: now - 1_000 };
      await required(store.saveRevocationLink)(unpruned);
      expect(await required(store.consumeRevocationLink)(unpruned.id, sha('s'), now - 2_000)).toEqual({ ...unpruned, secretHash: Buffer.from(unpruned.secretHash) });
      const cutoff = { activityBefore: now - DAY, devicesBefore: now - DAY };
      // A bound of 2: at most two entries and devices together go per call.
      expect(await store.prune({ now, limit: 2, ...cutoff })).toBe(1);
      const remaining = async (): Promise<number> => {
        let count = 0;
        for (const user of users) count += (await required(store.listActivity)(user, { limit: 10 })).length + (await required(store.listDevices)(user)).length;
        return count + (await required(store.listActivity)('nobody', { limit: 10, tenantId: tenant })).length;
      };
      expect(await remaining()).toBe(13 - 2);
      for (let round = 0; round < 3; round++) await store.prune({ now, limit: 2, ...cutoff });
      expect(await remaining()).toBe(6);
      // Past their expiry but within the day Redis keeps them: only prune could have deleted them.
      for (const [index] of users.entries()) expect(await required(store.consumeRevocationLink)(`Lk${index}cccccccccccccccccccc`, sha('s'), now - 2_000)).toBeNull();
      await store.close?.();
    });

    it('erases the user\'s activity, known devices and links, in the user\'s slot and elsewhere', async () => {
      const store = makeStore();
      const userId = freshUser('erased');
      const now = Date.now();
      const session = await insert(store, userId);
      await required(store.appendActivity)([entry('c001', { userId })]);
      await required(store.rememberDevice)(userId, 'e'.repeat(43), now);
      const links = [`${session.id.slice(0, 3)}eeeeeeeeeeeeeeeeeee`, 'zzzeeeeeeeeeeeeeeeeeee', '000eeeeeeeeeeeeeeeeeee'];
      for (const id of links) await required(store.saveRevocationLink)({ id, secretHash: sha('s'), userId, sessionId: session.id, expiresAt: now + DAY });
      expect(await store.eraseUser(userId)).toBe(1);
      expect(await required(store.listActivity)(userId, { limit: 10 })).toEqual([]);
      expect(await required(store.listDevices)(userId)).toEqual([]);
      for (const id of links) expect(await required(store.consumeRevocationLink)(id, sha('s'), now)).toBeNull();
      await store.close?.();
    });

    it('publishes a tenant revocation as a notice with the tenant id and an empty user id', async () => {
      const store = makeStore();
      const tenant = `tenant-${freshUser('t')}`;
      const notices: unknown[] = [];
      let ready!: () => void;
      const subscribed = new Promise<void>((resolve) => (ready = resolve));
      const stop = required(store.subscribe)((notice) => notices.push(notice), () => ready());
      await subscribed;
      await store.revokeAll('plain-user', { kinds: ['browser'], at: Date.now() });
      await required(store.revokeTenant)(tenant, { kinds: ['browser'], at: Date.now() });
      const deadline = Date.now() + 5_000;
      while (notices.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // On a cluster the two notices come from two nodes: their order is not kept.
      expect(notices).toHaveLength(2);
      expect(notices).toEqual(expect.arrayContaining([{ userId: 'plain-user' }, { userId: '', tenantId: tenant }]));
      stop();
      await store.close?.();
    });
  });
}
