import { createSessionManager } from '../../manager/index.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * A "This wasn't me" link outlives its session's row (a week's link, an hour's session): once
 * that row is pruned, the device is read back from the activity this store kept of it.
 */
export function describeRevocationLinkDevice({ runner, store }: StoreSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('"This wasn\'t me" links after their session was pruned', () => {
    it("end the session that replaced the linked one on that device, in the linked session's tenant only", async () => {
      if (typeof store().consumeRevocationLink !== 'function') return;
      let now = Date.now();
      const sessions = createSessionManager({ store: store(), clock: () => now, kinds: { browser: { maxAge: HOUR } } });
      const [user, acme, globex] = [freshUser(), freshUser('tenant'), freshUser('tenant')];
      const first = await sessions.create({ userId: user, tenantId: acme, userAgent: CHROME_MAC });
      const link = (await sessions.issueRevocationLink(first.session.id))!;
      now += 50 * MINUTE;
      // The same browser signs in again (device replacement: no new link), and to another tenant.
      const again = await sessions.create({ userId: user, tenantId: acme, userAgent: CHROME_MAC });
      const elsewhere = await sessions.create({ userId: user, tenantId: globex, userAgent: CHROME_MAC });
      now += 15 * MINUTE;
      await sessions.prune();
      expect(await store().get(first.session.id)).toBeNull();
      expect((await sessions.validate(again.token)).ok).toBe(true);

      const redeemed = await sessions.redeemRevocationLink(link);
      expect([redeemed?.revokedIds, redeemed?.deviceFound]).toEqual([[again.session.id], true]);
      expect(await sessions.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await sessions.validate(elsewhere.token)).ok).toBe(true);
    });
  });
}
