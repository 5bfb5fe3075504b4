import { setTimeout as pause } from 'node:timers/promises';
import type { RevocationNotice } from '../../store.js';
import { capabilityTest } from '../runner.js';
import { storeOperations, type StoreOperations } from '../../storage/index.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser, insert } from './fixtures.js';

// Far above a pub/sub hop on one machine, well under the heavy tests' timeout.
const DELIVERY_WITHIN = 3_000;

/** Polls every 10 ms until `done()` or `within` ms have passed; answers `done()`. */
async function waitFor(done: () => boolean, within: number): Promise<boolean> {
  for (let waited = 0; waited < within && !done(); waited += 10) await pause(10);
  return done();
}

/** Subscribes on `listener`, answering what it hears; a subscription may take a moment to carry notices, so a probe user is signed out until one arrives. */
async function listen(writer: StoreOperations, listener: StoreOperations): Promise<{ readonly heard: RevocationNotice[]; readonly stop: () => void }> {
  const heard: RevocationNotice[] = [];
  const stop = listener.subscribe!((notice) => void heard.push(notice));
  const probe = freshUser('probe');
  const probed = () => heard.some((notice) => notice.userId === probe);
  for (let attempt = 0; attempt < 20 && !probed(); attempt++) {
    await writer.revokeAll(probe, { kinds: ['browser'], at: Date.now() });
    await waitFor(probed, 250);
  }
  if (!probed()) {
    stop();
    throw new Error('No revocation notice reached the subscribed instance within 5 s of revokeAll(), tried 20 times.');
  }
  return { heard, stop };
}

/** Every revocation is published to every instance, with the user's id or the tenant's (semantics 8). */
export function describeNotices(suite: StoreSuiteContext): void {
  const { describe, expect, store, sibling, slowTimeout } = suite;
  const withNotices = capabilityTest(suite, () => store().subscribe !== undefined, 'the store publishes no notices (subscribe)');
  const publishes = (name: string, expected: (subject: string) => RevocationNotice, revocation: (subject: string) => Promise<unknown>) =>
    withNotices(`${name} publishes its notice to every instance`, async () => {
      // Another instance when it subscribes (one behind a pooler may not), else the store itself.
      const other = await sibling();
      const listening = await listen(store(), other.subscribe === undefined ? store() : storeOperations(other));
      try {
        const notice = expected(freshUser('subject'));
        const mine = () => listening.heard.filter((heard) => (notice.tenantId === undefined ? heard.userId === notice.userId : heard.tenantId === notice.tenantId));
        await revocation(notice.tenantId ?? notice.userId);
        const delivered = await waitFor(() => mine().length > 0, DELIVERY_WITHIN);
        expect(delivered ? 'a notice' : `no notice within ${DELIVERY_WITHIN} ms`).toBe('a notice');
        for (const heard of mine()) expect(heard).toEqual(notice);
      } finally {
        listening.stop();
      }
    }, slowTimeout);

  // A store publishes any batch that asks, by its owner alone; which operations ask is decided once, in TypeScript.
  describe('revocation notices', () => {
    publishes('revoke', (userId) => ({ userId }), async (userId) => {
      // A sign-in that ends nothing asks for no notice.
      const session = await insert(store(), userId);
      await store().revoke(session.id, { at: Date.now(), reason: 'logout' });
    });

    publishes('revokeTenant', (tenantId) => ({ userId: '', tenantId }), (tenantId) => store().revokeTenant!(tenantId, { kinds: ['browser'], at: Date.now() }));

    withNotices('a listener stopped hears nothing more, while one subscribed after it does', async () => {
      const other = await sibling();
      const listener = other.subscribe === undefined ? store() : storeOperations(other);
      const stopped = await listen(store(), listener);
      stopped.stop();
      const still = await listen(store(), listener);
      try {
        const heardBefore = stopped.heard.length;
        const userId = freshUser('after-stop');
        await store().revokeAll(userId, { kinds: ['browser'], at: Date.now() });
        expect(await waitFor(() => still.heard.some((notice) => notice.userId === userId), DELIVERY_WITHIN)).toBe(true);
        expect(stopped.heard.length).toBe(heardBefore);
      } finally {
        still.stop();
      }
    }, slowTimeout);
  });
}
