import { createSessionManager } from '../../manager/index.js';
import type { SessionStore } from '../../store.js';
import type { StoreSuiteContext } from './context.js';
import { codeOf, freshUser } from './fixtures.js';
import type { TestRunner } from '../runner.js';

/**
 * What a store author's fault hook can make their driver do:
 * - `refused`: every call fails as when the server refuses connections;
 * - `timeout`: every call times out (the driver's own timeout fires), or never answers;
 * - `mid-batch`: the next `apply` fails after part of its writes reached the database (the
 *   second statement of the transaction, say), and later calls work.
 */
export type StoreFault = 'refused' | 'timeout' | 'mid-batch';

/** The fault hook of {@link StoreConformanceOptions.faults}: wired by the store's author to the store's driver. */
export interface StoreFaults {
  /**
   * The faults the hook can make; all three when absent. A store whose batches cannot fail
   * half way (a Redis script checks everything before its first write) leaves out `mid-batch`.
   */
  readonly supports?: readonly StoreFault[];
  /** Makes the running test's store fail as the fault says, until {@link heal}. */
  inject(store: SessionStore, fault: StoreFault): void | Promise<void>;
  /** Makes it work again. */
  heal(store: SessionStore): void | Promise<void>;
}

/** Through the author's fault hook: an outage is `STORE_UNAVAILABLE` and signs no one out; no batch is half applied. */
export function describeFaults({ describe, it, expect, raw, slowTimeout }: StoreSuiteContext, faults: StoreFaults | undefined): void {
  // Known as the tests are registered: one the hook cannot make is registered skipped (a jest test cannot skip itself as it runs).
  const skip = (it as { skip?: TestRunner['it'] }).skip;
  const runs = (fault: StoreFault): boolean => faults !== undefined && (faults.supports ?? [fault]).includes(fault);
  if (skip === undefined && !(['refused', 'timeout', 'mid-batch'] as const).some(runs)) return; // a group without tests is an error
  const test = (fault: StoreFault): TestRunner['it'] => (runs(fault) ? it : (name, body, timeout) => skip?.call(it, name, body, timeout));
  describe(faults === undefined ? 'faults of the driver (skipped: no fault hook, the faults option)' : "faults of the driver (the suite's fault hook)", () => {
    const signedIn = async () => {
      const sessions = createSessionManager({ store: raw(), storeTimeout: 500 });
      const userId = freshUser('faults');
      const laptop = await sessions.create({ userId, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0 Safari/537.36' });
      const phone = await sessions.create({ userId, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile/15E148 Safari/604.1' });
      return { sessions, userId, laptop, phone };
    };

    for (const fault of ['refused', 'timeout'] as const) {
      test(fault)(`a ${fault === 'refused' ? 'refused connection' : 'call that times out'} is STORE_UNAVAILABLE, and signs no one out`, async () => {
        const { sessions, userId, laptop } = await signedIn();
        await faults!.inject(raw(), fault);
        try {
          // At once: each waits out the deadline (the store's own, when it is longer).
          // Refused, the store's own calls fail at once too: a batch never answers applied, a read never answers empty.
          const direct = fault === 'refused' ? [raw().apply({ owner: { userId }, writes: [{ type: 'device', deviceHash: 'd'.repeat(43), lastSeenAt: 1 }] }), raw().readUser(userId), raw().get(laptop.session.id)] : [];
          const codes = await Promise.all([sessions.validate(laptop.token), sessions.create({ userId }), sessions.revokeOthers(userId, laptop.session.id), ...direct].map(codeOf));
          expect(codes).toEqual(Array(3 + direct.length).fill('STORE_UNAVAILABLE'));
        } finally {
          await faults!.heal(raw());
        }
        expect((await sessions.validate(laptop.token)).ok).toBe(true);
        expect(await sessions.list(userId)).toHaveLength(2);
        await sessions.close();
      }, slowTimeout);
    }

    test('mid-batch')('a batch that fails half way leaves nothing of it: not the row, not the ends, not the version', async () => {
      const { sessions, userId, laptop, phone } = await signedIn();
      const before = await raw().readUser(userId);
      await faults!.inject(raw(), 'mid-batch');
      try {
        expect(await codeOf(sessions.revokeOthers(userId, laptop.session.id))).not.toBe('created');
      } finally {
        await faults!.heal(raw());
      }
      const after = await raw().readUser(userId);
      expect(after.version).toBe(before.version);
      expect(after.sessions.map((session) => [session.id, session.revokedAt])).toEqual(before.sessions.map((session) => [session.id, session.revokedAt]));
      expect((await sessions.validate(phone.token)).ok).toBe(true);
      expect((await sessions.revokeOthers(userId, laptop.session.id)).revokedIds).toEqual([phone.session.id]);
      await sessions.close();
    }, slowTimeout);
  });
}
