import type { Epochs } from '../../store.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser, insert } from './fixtures.js';

const tenantEpochOf = (epochs: Epochs | undefined, kind: string): number => epochs?.[kind] ?? 0;

/** Tenant-wide revocation: one epoch per tenant and kind, read with every session. */
export function describeTenants({ describe, it, expect, store, raw, sibling }: StoreSuiteContext): void {
  describe('tenant epochs', () => {
    it('revokeTenant raises the tenant epoch of the kinds named, past it even from an earlier time, and get() answers it with the row', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const member = await insert(store(), user, { tenantId: tenant, createdAt: t });
      const outsider = await insert(store(), freshUser(), { tenantId: freshUser('tenant'), createdAt: t });
      const loner = await insert(store(), freshUser(), { createdAt: t });
      const raised = await store().revokeTenant!(tenant, { kinds: ['browser', 'api'], at: t + 10 });
      expect([raised['browser'], raised['api']]).toEqual([t + 10, t + 10]);
      expect((await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 5 }))['browser']).toBe(t + 11);
      const found = (await store().get(member.id))!;
      expect(tenantEpochOf(found.tenantEpochs, 'browser')).toBe(t + 11);
      // Another app server reads it on its first read: nothing of a tenant's may stay in one process.
      expect(tenantEpochOf((await (await sibling()).get(member.id))!.tenantEpochs, 'browser')).toBe(t + 11);
      // The row itself is untouched: the epoch does the work (O(1) writes).
      expect([found.session.revokedAt, found.epochs['browser'] ?? 0]).toEqual([undefined, 0]);
      expect(tenantEpochOf((await store().get(outsider.id))!.tenantEpochs, 'browser')).toBe(0);
      expect(tenantEpochOf((await store().get(loner.id))!.tenantEpochs, 'browser')).toBe(0);
    });

    it('the tenant epoch covers a session created by a clock that runs ahead (the tenant high-water mark)', async () => {
      const tenant = freshUser('tenant');
      const t = Date.now();
      const ahead = await insert(store(), freshUser(), { tenantId: tenant, createdAt: t + 120_000 });
      expect((await store().revokeTenant!(tenant, { kinds: ['browser'], at: t }))['browser']).toBeGreaterThanOrEqual(ahead.createdAt);
      expect(tenantEpochOf((await store().get(ahead.id))!.tenantEpochs, 'browser')).toBeGreaterThanOrEqual(ahead.createdAt);
    });

    it("a tenant's batches keep what others wrote: kinds not named, the larger high-water mark; and apply only at the version read", async () => {
      const tenant = freshUser('tenant');
      const t = Date.now();
      await store().revokeTenant!(tenant, { kinds: ['api'], at: t + 10 });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 20 });
      // Two users' sign-ins write the tenant's mark, the later one from a clock behind.
      for (const at of [t + 500, t + 100]) expect(await raw().apply({ owner: { userId: freshUser() }, writes: [{ type: 'highWater', tenantId: tenant, kind: 'remember', at }] })).toBe(true);
      const state = await raw().readTenant(tenant);
      expect([state.epochs['api'], state.epochs['browser'], state.highWater['remember']]).toEqual([t + 10, t + 20, t + 500]);
      expect(await raw().apply({ owner: { tenantId: tenant }, version: state.version, writes: [{ type: 'epochs', epochs: { remember: t + 600 } }] })).toBe(true);
      expect(await raw().apply({ owner: { tenantId: tenant }, version: state.version, writes: [{ type: 'epochs', epochs: { browser: 1 } }] })).toBe(false);
      expect({ ...(await raw().readTenant(tenant)).epochs }).toEqual({ api: t + 10, browser: t + 20, remember: t + 600 });
    });

    it('listByUser and getRevocationState answer the tenant epochs beside the user epochs', async () => {
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      await insert(store(), user, { tenantId: tenant, createdAt: t });
      await store().revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      expect(tenantEpochOf((await store().listByUser(user)).tenantEpochs?.[tenant], 'browser')).toBe(t + 10);
      expect(tenantEpochOf((await store().getRevocationState(user, tenant)).tenantEpochs, 'browser')).toBe(t + 10);
      expect(tenantEpochOf((await store().getRevocationState(user, freshUser('tenant'))).tenantEpochs, 'browser')).toBe(0);
      expect(tenantEpochOf((await store().getRevocationState(user)).tenantEpochs, 'browser')).toBe(0);
    });
  });
}
