import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { UA } from '../support/clock.js';

describe('revokeOthers: the scope of "sign out my other devices"', () => {
  it("kinds 'all' ends a kind only another instance declares, as revokeAll does (a rolling deploy)", async () => {
    const store = memoryStore();
    const withMobile = createSessionManager({ store, kinds: { mobile: {} } });
    const without = createSessionManager({ store });
    const kept = await withMobile.create({ userId: 'ada', userAgent: UA.chromeMac });
    const phone = await withMobile.create({ userId: 'ada', kind: 'mobile' });
    const { revokedIds } = await without.revokeOthers('ada', kept.session.id, { kinds: 'all' });
    expect(revokedIds).toEqual([phone.session.id]);
    expect(await withMobile.validate(phone.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await withMobile.validate(kept.token)).ok).toBe(true);
  });

  it("a support session kept acts in its own tenant only: the user's other organization keeps its sessions", async () => {
    const sessions = createSessionManager();
    const admin = await sessions.create({ userId: 'root', tenantId: 'acme', userAgent: UA.firefoxWindows });
    const support = await sessions.impersonate(admin.session, 'ada', { tenantId: 'acme' });
    const acme = await sessions.create({ userId: 'ada', tenantId: 'acme', userAgent: UA.chromeMac });
    const globex = await sessions.create({ userId: 'ada', tenantId: 'globex', userAgent: UA.safariIphone });
    const { revokedIds } = await sessions.revokeOthers('ada', support.session.id);
    expect(revokedIds).toEqual([acme.session.id]);
    expect((await sessions.validate(globex.token)).ok).toBe(true);
    // A tenant admin's call naming a tenant reaches that tenant only, whichever session it keeps.
    const other = await sessions.create({ userId: 'ada', tenantId: 'acme', userAgent: UA.firefoxWindows });
    expect((await sessions.revokeOthers('ada', support.session.id, { tenantId: 'globex', by: 'globex-admin' })).revokedIds).toEqual([globex.session.id]);
    expect((await sessions.validate(other.token)).ok).toBe(true);
    // The user's own session still reaches every organization, and ends the support session too.
    const own = await sessions.create({ userId: 'ada', tenantId: 'globex', userAgent: UA.edgeWindows });
    expect(new Set((await sessions.revokeOthers('ada', own.session.id)).revokedIds)).toEqual(new Set([other.session.id, support.session.id]));
  });
});
