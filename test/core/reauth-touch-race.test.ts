import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionStore } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { sharedStores } from '../support/shared-stores.js';

// Two app instances on one store. Instance A runs reauthenticated() (the "Confirm it's you" form);
// while it is between its readUser and its batch, instance B validates a request of the same
// session (another tab of the user), which touches lastUsedAt: a touch changes no version.
function instanceA(raw: SessionStore, onRead: () => (() => Promise<void>) | undefined): SessionStore {
  // Other methods answer as they do (some are synchronous).
  return intercepted(raw, (method, call) => {
    if (method !== 'readUser') return call();
    return (async () => {
      const answer = await call();
      await onRead()?.();
      return answer;
    })();
  });
}

const KINDS = { browser: { idleTimeout: 30 * MINUTE } };

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: reauthenticated() racing a touch on another instance`, () => {
    it('keeps the lastUsedAt the touch wrote: the session used meanwhile does not turn idle early', async () => {
      const clock = new TestClock();
      let hook: (() => Promise<void>) | undefined;
      const raw = await open();
      const a = createSessionManager({ store: instanceA(raw, () => { const h = hook; hook = undefined; return h; }), clock: clock.read, kinds: KINDS, epochCacheTtl: 0 });
      const b = createSessionManager({ store: await open(), clock: clock.read, kinds: KINDS, epochCacheTtl: 0 });
      const user = `reauth-${Math.random().toString(36).slice(2)}`;
      const { token, session } = await b.create({ userId: user, userAgent: UA.chromeMac });
      clock.advance(20 * MINUTE);
      // Another tab's request on B, landing between A's read and A's batch.
      hook = async () => void expect((await b.validate(token)).ok).toBe(true);
      expect(await a.reauthenticated(session.id)).not.toBeNull();
      const usedAt = clock.now;
      const stored = (await b.list(user))[0]!;
      // 25 minutes after that use (idleTimeout 30 min), the session is still live.
      clock.advance(25 * MINUTE);
      const later = await b.validate(token);
      expect({ lastUsedAt: stored.lastUsedAt, later: later.ok ? 'ok' : later.reason }).toEqual({ lastUsedAt: usedAt, later: 'ok' });
    });
  });
}

for (const store of await sharedStores('rtr')) cases(store.name, store.up, store.open);
