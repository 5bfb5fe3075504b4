import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, type SessionStore } from '../../src/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

// maxSessions { impersonation: 1 }, support sessions idle out after 10 minutes. Instance A starts a second support session;
// instance B serves a request of the first, judged live a millisecond before it turned idle, whose touch lands after A's cap read
// the user's sessions and before A's batch. The first is then live again: A must count it (refuse, or evict it), never leave it out.
function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: support-session cap vs a touch landing after the cap's separate read`, () => {
    it.each([['refuse', false], ['evict-oldest', false], ['refuse', true], ['evict-oldest', true]] as const)('%s (control, no race: %s): never more than maxSessions live support sessions', async (onMaxSessions, control) => {
      const clock = new TestClock();
      const user = `cap-${Math.random().toString(36).slice(2)}`;
      const options = { clock: clock.read, epochCacheTtl: 0, maxSessions: { impersonation: 1 }, onMaxSessions, kinds: { impersonation: { idleTimeout: 10 * MINUTE } } };
      // B: its touch waits until released.
      let releaseTouch: (() => void) | undefined;
      let touchReached: (() => void) | undefined;
      const reached = new Promise<void>((resolve) => (touchReached = resolve));
      const storeB = intercepted(await open(), (method, call) => {
        if (method !== 'touch' || releaseTouch !== undefined) return call();
        return new Promise<void>((resolve) => {
          releaseTouch = resolve;
          touchReached!();
        }).then(call);
      });
      // A: on its second readUser of the user (the sign-in's own versioned read, after the cap's listByUser), B's request finishes first.
      let readsOfUser = 0;
      let beforeBatchRead: (() => Promise<void>) | undefined;
      const storeA = intercepted(await open(), (method, call, args) => {
        if (method !== 'readUser' || args[0] !== user || beforeBatchRead === undefined || ++readsOfUser !== 2) return call();
        return beforeBatchRead().then(call);
      });
      const a = createSessionManager({ store: storeA, ...options });
      const b = createSessionManager({ store: storeB, ...options });
      const admin = await a.create({ userId: `admin-${user}`, userAgent: UA.chromeMac });
      const first = await a.impersonate(admin.session, user, { userAgent: UA.firefoxWindows });

      clock.advance(10 * MINUTE - 1);
      const request = b.validate(first.token);
      await reached;
      clock.advance(1);
      const release = async () => {
        releaseTouch!();
        expect((await request).ok).toBe(true);
      };
      // Control: the same touch landing before A's first read; the cap holds.
      if (control) await release();
      else beforeBatchRead = release;
      const second = await a.impersonate(admin.session, user, { userAgent: UA.firefoxWindows }).then(
        (created) => created,
        (error: unknown) => (isSessionError(error) ? error.code : String(error)),
      );
      const live = (await a.list(user, { kinds: ['impersonation'] })).length;
      const firstNow = (await a.validate(first.token)).ok;
      expect({ live, firstStillValid: firstNow && typeof second !== 'string' }).toEqual({ live: 1, firstStillValid: false });
    });
  });
}

for (const store of await sharedStores('zzcap')) cases(store.name, store.up, store.open);
