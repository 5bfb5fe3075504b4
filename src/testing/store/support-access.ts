import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

/** Support access ends with the admin's session that started it, for every reader; how each way of ending it does is the manager's, tested once. */
export function describeSupportAccess({ describe, it, expect, raw, sibling }: StoreSuiteContext): void {
  describe('support access ends with its impersonator', () => {
    it("a support session stays while the admin's session lives, keeps its own link to it, and ends with it on another instance", async () => {
      const sessions = createSessionManager({ store: raw() });
      const other = createSessionManager({ store: await sibling() });
      const adminId = freshUser('admin');
      const admin = await sessions.create({ userId: adminId });
      const phone = await sessions.create({ userId: adminId, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' });
      const support = await sessions.impersonate(admin.session, freshUser());
      // Another device of the admin ending is not the one that started it.
      await sessions.signOut(phone.session);
      expect((await other.validate(support.token)).ok).toBe(true);
      const stored = await sessions.store.get(support.session.id);
      expect([stored?.session.impersonatorId, stored?.session.impersonatorSessionId]).toEqual([adminId, admin.session.id]);
      await sessions.signOut(admin.session);
      expect(await other.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
    });
  });
}
