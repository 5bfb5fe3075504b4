import type { Epochs } from '../../store.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC_DEVICE, evictOldest, freshUser, insert, newRecord, refuse } from './fixtures.js';

const tenantEpochOf = (epochs: Epochs | undefined, kind: string): number => epochs?.[kind] ?? 0;

/** Tenant-wide revocation: one epoch per tenant and kind, read with every session. */
export function describeTenants({ describe, it, expect, store }: StoreSuiteContext): void {
  describe('tenant epochs', () => {
    it('revokeTenant raises the tenant epoch of the kinds named, never lowers it, and get() answers it with the row', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const member = await insert(store(), user, { tenantId: tenant, createdAt: t });
      const outsider = await insert(store(), freshUser(), { tenantId: freshUser('tenant'), createdAt: t });
      const loner = await insert(store(), freshUser(), { createdAt: t });
      const raised = await store().revokeTenant!(tenant, { kinds: ['browser', 'api'], at: t + 10 });
      expect([raised['browser'], raised['api']]).toEqual([t + 10, t + 10]);
      expect((await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 5 }))['browser']).toBe(t + 10);
      const found = (await store().get(member.id))!;
      expect(tenantEpochOf(found.tenantEpochs, 'browser')).toBe(t + 10);
      // The row itself is untouched: the epoch does the work (O(1) writes).
      expect([found.session.revokedAt, found.epochs['browser'] ?? 0]).toEqual([undefined, 0]);
      expect(tenantEpochOf((await store().get(outsider.id))!.tenantEpochs, 'browser')).toBe(0);
      expect(tenantEpochOf((await store().get(loner.id))!.tenantEpochs, 'browser')).toBe(0);
    });

    it('a session created right after a tenant revocation is born after it, even from a clock that runs behind', async () => {
      const tenant = freshUser('tenant');
      const t = Date.now();
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 60_000 });
      const { session } = await store().create(newRecord(store(), freshUser(), { tenantId: tenant, createdAt: t }), { replaceDevice: false });
      expect(session.createdAt).toBe(t + 60_001);
      expect(session.expiresAt - session.createdAt).toBe(30 * 24 * 60 * 60 * 1000);
      const other = await insert(store(), freshUser(), { tenantId: tenant, kind: 'api', createdAt: t });
      expect(other.createdAt).toBe(t);
    });

    it('the tenant epoch covers a session created by a clock that runs ahead (the tenant high-water mark)', async () => {
      const tenant = freshUser('tenant');
      const t = Date.now();
      const ahead = await insert(store(), freshUser(), { tenantId: tenant, createdAt: t + 120_000 });
      expect((await store().revokeTenant!(tenant, { kinds: ['browser'], at: t }))['browser']).toBeGreaterThanOrEqual(ahead.createdAt);
      expect(tenantEpochOf((await store().get(ahead.id))!.tenantEpochs, 'browser')).toBeGreaterThanOrEqual(ahead.createdAt);
    });

    it('listByUser and getRevocationState answer the tenant epochs beside the user epochs', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      await insert(store(), user, { tenantId: tenant, createdAt: t });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      const listed = await store().listByUser(user);
      expect(tenantEpochOf(listed.tenantEpochs?.[tenant], 'browser')).toBe(t + 10);
      expect(tenantEpochOf((await store().getRevocationState(user, tenant)).tenantEpochs, 'browser')).toBe(t + 10);
      expect(tenantEpochOf((await store().getRevocationState(user, freshUser('tenant'))).tenantEpochs, 'browser')).toBe(0);
      expect(tenantEpochOf((await store().getRevocationState(user)).tenantEpochs, 'browser')).toBe(0);
    });

    it('a tenant-revoked session is not live for device replacement, revokeOthers or the cap', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const old = await insert(store(), user, { tenantId: tenant, createdAt: t, ...CHROME_MAC_DEVICE });
      const other = await insert(store(), user, { tenantId: tenant, createdAt: t + 1 });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      const created = await store().create(newRecord(store(), user, { tenantId: tenant, createdAt: t + 20, ...CHROME_MAC_DEVICE }), { replaceDevice: true, limit: refuse(1) });
      expect([created.replacedIds, created.evictedIds]).toEqual([[], []]);
      expect(await store().revokeOthers(user, { keepSessionId: created.session.id, kinds: ['browser'], at: t + 30, reason: 'sign_out_others' })).toEqual([]);
      for (const id of [old.id, other.id]) expect((await store().get(id))!.session.revokedAt).toBeUndefined();
    });

    it("a row its tenant ended is neither replaced nor counted by a sign-in without a tenant, nor is a tenantless row by another tenant's", async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const dead = await insert(store(), user, { tenantId: tenant, createdAt: t, ...CHROME_MAC_DEVICE });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      // The tenant's row is dead: it is neither replaced nor counted, so the cap of one lets
      // this sign-in through instead of refusing it.
      const created = await store().create(newRecord(store(), user, { createdAt: t + 20, ...CHROME_MAC_DEVICE }), { replaceDevice: true, limit: refuse(1) });
      expect([created.replacedIds, created.evictedIds]).toEqual([[], []]);
      expect((await store().get(dead.id))!.session.revokedAt).toBeUndefined();
      // A sign-in of another tenant at a cap of one: the tenantless session is not its to count.
      const second = await store().create(newRecord(store(), user, { tenantId: freshUser('tenant'), createdAt: t + 30, ...CHROME_MAC_DEVICE }), { replaceDevice: true, limit: evictOldest(1) });
      expect([second.replacedIds, second.evictedIds]).toEqual([[], []]);
      expect((await store().get(created.session.id))!.session.revokedAt).toBeUndefined();
    });

    it('a sign-in without a tenant neither counts toward the cap nor evicts a session its tenant ended', async () => {
      const tenant = freshUser('tenant');
      const t = Date.now();
      // Refused at the cap only if the dead row counted.
      const lone = freshUser();
      await insert(store(), lone, { tenantId: tenant, createdAt: t });
      // Evicted (the least recently used) only if the dead row counted.
      const pair = freshUser();
      await insert(store(), pair, { tenantId: tenant, createdAt: t + 1 });
      const live = await insert(store(), pair, { createdAt: t + 2 });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      const refused = await store().create(newRecord(store(), lone, { createdAt: t + 20 }), { replaceDevice: false, limit: refuse(1) });
      expect(refused.evictedIds).toEqual([]);
      const evicting = await store().create(newRecord(store(), pair, { createdAt: t + 20 }), { replaceDevice: false, limit: evictOldest(2) });
      expect(evicting.evictedIds).toEqual([]);
      expect((await store().get(live.id))!.session.revokedAt).toBeUndefined();
    });
  });
}
