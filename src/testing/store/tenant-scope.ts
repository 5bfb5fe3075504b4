import type { StoreOperations } from '../../storage/types.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC_DEVICE, codeOf, evictOldest, freshUser, insert, newRecord, refuse } from './fixtures.js';

// The ids among `ids` whose rows are not revoked, sorted (no epochs are raised in this section).
async function notRevoked(store: StoreOperations, ids: readonly string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const id of ids) if ((await store.get(id))?.session.revokedAt === undefined) kept.push(id);
  return kept.sort();
}

/** Device replacement and the cap count the sign-in's own tenant only; every store keeps this, tenant capability or not. */
export function describeTenantScope({ describe, it, expect, store }: StoreSuiteContext): void {
  describe('device replacement and the cap, within a tenant', () => {
    it("a sign-in to another tenant from the same browser replaces nothing; one to the same tenant replaces that tenant's session only", async () => {
      const user = freshUser();
      const [acme, globex] = [freshUser('tenant'), freshUser('tenant')];
      const inAcme = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, tenantId: acme }), { replaceDevice: true });
      const inGlobex = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, tenantId: globex }), { replaceDevice: true });
      expect(inGlobex.replacedIds).toEqual([]);
      expect(await notRevoked(store(), [inAcme.session.id, inGlobex.session.id])).toEqual([inAcme.session.id, inGlobex.session.id].sort());
      const again = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, tenantId: acme }), { replaceDevice: true });
      expect(again.replacedIds).toEqual([inAcme.session.id]);
      expect((await store().get(inAcme.session.id))!.session.revokedReason).toBe('replaced');
      expect(await notRevoked(store(), [inAcme.session.id, inGlobex.session.id, again.session.id])).toEqual([inGlobex.session.id, again.session.id].sort());
    });

    it('at the cap ("refuse"), a sign-in to another tenant goes through; the next one to that tenant is refused', async () => {
      const user = freshUser();
      const [acme, globex] = [freshUser('tenant'), freshUser('tenant')];
      const inAcme = await insert(store(), user, { tenantId: acme });
      const inGlobex = await store().create(newRecord(store(), user, { tenantId: globex }), { replaceDevice: false, limit: refuse(1) });
      expect(inGlobex.evictedIds).toEqual([]);
      const refused = newRecord(store(), user, { tenantId: globex });
      expect(await codeOf(store().create(refused, { replaceDevice: false, limit: refuse(1) }))).toBe('SESSION_LIMIT');
      expect(await store().get(refused.id)).toBeNull();
      expect(await notRevoked(store(), [inAcme.id, inGlobex.session.id])).toEqual([inAcme.id, inGlobex.session.id].sort());
    });

    it("evicts the least recently used session of the sign-in's tenant, never another tenant's", async () => {
      const user = freshUser();
      const [acme, globex] = [freshUser('tenant'), freshUser('tenant')];
      const t = Date.now();
      // The least recently used of the user's sessions, but of another tenant.
      const inGlobex = await insert(store(), user, { tenantId: globex, createdAt: t });
      const olderAcme = await insert(store(), user, { tenantId: acme, createdAt: t + 1 });
      const newerAcme = await insert(store(), user, { tenantId: acme, createdAt: t + 2 });
      const created = await store().create(newRecord(store(), user, { tenantId: acme, createdAt: t + 3 }), { replaceDevice: false, limit: evictOldest(2) });
      expect(created.evictedIds).toEqual([olderAcme.id]);
      expect(await notRevoked(store(), [inGlobex.id, olderAcme.id, newerAcme.id, created.session.id])).toEqual([inGlobex.id, newerAcme.id, created.session.id].sort());
    });

    it("a sign-in without a tenant neither replaces nor counts a tenant's session, and the other way round", async () => {
      const user = freshUser();
      const acme = freshUser('tenant');
      const inAcme = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, tenantId: acme }), { replaceDevice: true });
      // Same browser, a cap of one: the tenant's session neither is replaced nor counts.
      const alone = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true, limit: refuse(1) });
      expect([alone.replacedIds, alone.evictedIds]).toEqual([[], []]);
      // Back to the tenant: its own session is replaced, the tenantless one neither is nor counts.
      const back = await store().create(newRecord(store(), user, { ...CHROME_MAC_DEVICE, tenantId: acme }), { replaceDevice: true, limit: refuse(1) });
      expect([back.replacedIds, back.evictedIds]).toEqual([[inAcme.session.id], []]);
      // And a tenantless sign-in replaces the tenantless session.
      const aloneAgain = await store().create(newRecord(store(), user, CHROME_MAC_DEVICE), { replaceDevice: true, limit: refuse(1) });
      expect([aloneAgain.replacedIds, aloneAgain.evictedIds]).toEqual([[alone.session.id], []]);
      expect(await notRevoked(store(), [inAcme.session.id, alone.session.id, back.session.id, aloneAgain.session.id])).toEqual([back.session.id, aloneAgain.session.id].sort());
    });
  });
}
