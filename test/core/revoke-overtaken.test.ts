import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionEvent, type SessionStore } from '../../src/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { TestClock, UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

// Instance A runs revoke(id) ("Log out" on the security page). Between A's get (where it judges the row live) and
// A's versioned batch, instance B runs "sign out everywhere" for the same user. As in revoke-ended.test.ts,
// revoking a session that has already ended answers false, writes nothing, tells nothing.
function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: revoke() overtaken by another instance's revokeAll()`, () => {
    it('answers false and records no second end for a session the sign-out everywhere already ended', async () => {
      const clock = new TestClock();
      let hook: (() => Promise<unknown>) | undefined;
      const raw = await open();
      const storeA = intercepted(raw, (method, call) => {
        if (method !== 'get' || hook === undefined) return call();
        const run = hook;
        hook = undefined;
        return (async () => {
          const answer = await call();
          await run();
          return answer;
        })();
      });
      const a = createSessionManager({ store: storeA, clock: clock.read, epochCacheTtl: 0 });
      const b = createSessionManager({ store: await open(), clock: clock.read, epochCacheTtl: 0 });
      const user = `rv-${Math.random().toString(36).slice(2)}`;
      const laptop = await b.create({ userId: user, userAgent: UA.chromeMac });
      clock.advance(1_000);
      const events: string[] = [];
      a.on('*', (event: SessionEvent) => void events.push(`${event.type}:${event.reason}`));
      hook = () => b.revokeAll(user);
      const answer = await a.revoke(laptop.session.id);
      const activity = (await b.activity(user)).map((entry) => `${entry.type}:${entry.reason}`);
      expect({ answer, events, revokedEntries: activity.filter((entry) => entry.startsWith('session.revoked')) }).toEqual({ answer: false, events: [], revokedEntries: [] });
    });
  });
}

for (const store of await sharedStores('zzrv')) cases(store.name, store.up, store.open);
