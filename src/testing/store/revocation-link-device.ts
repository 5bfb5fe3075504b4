import { createSessionManager } from '../../manager/index.js';
import { mintToken } from '../../token.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, freshUser } from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A link keeps its session's device and tenant, because it outlives the session's row (a week's link, an hour's session). */
export function describeRevocationLinkDevice(suite: StoreSuiteContext): void {
  const { describe, expect, store, raw } = suite;
  const withLinks = capabilityTest(suite, () => typeof store().consumeRevocationLink === 'function', 'the store lists no activity, so it keeps no revocation links (listActivity)');
  describe('"This wasn\'t me" links carry their device', () => {
    withLinks('keeps the device key and tenant of a link, and answers none for a link saved without them', async () => {
      const [user, tenant] = [freshUser(), freshUser('tenant')];
      const expiresAt = Date.now() + HOUR;
      const withDevice = mintToken(store().sessionIdPrefix?.(user));
      const without = mintToken(store().sessionIdPrefix?.(user));
      await store().saveRevocationLink!({ id: withDevice.id, secretHash: withDevice.secretHash, userId: user, sessionId: 'S'.repeat(22), expiresAt, deviceKey: 'Chrome|Mac OS', tenantId: tenant });
      await store().saveRevocationLink!({ id: without.id, secretHash: without.secretHash, userId: user, sessionId: 'T'.repeat(22), expiresAt });
      const used = await store().consumeRevocationLink!(withDevice.id, withDevice.secretHash, Date.now());
      expect([used?.sessionId, used?.deviceKey, used?.tenantId]).toEqual(['S'.repeat(22), 'Chrome|Mac OS', tenant]);
      const bare = await store().consumeRevocationLink!(without.id, without.secretHash, Date.now());
      expect(bare).not.toBeNull();
      expect([bare?.deviceKey, bare?.tenantId]).toEqual([undefined, undefined]);
    });

    withLinks("end the session that replaced the linked one on that device, in the linked session's tenant only, once its row and its sign-in's activity are gone", async () => {
      let now = Date.now();
      // Activity kept for less time than the link lives: only the link can tell the device.
      const sessions = createSessionManager({ store: raw(), clock: () => now, kinds: { browser: { maxAge: HOUR } }, activityRetention: 30 * MINUTE });
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
