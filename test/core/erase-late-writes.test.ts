import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

// Two app instances on one store: instance A runs an ordinary call on a user's session while
// instance B serves that user's "delete my account" (eraseUser). A's store is the same store,
// seen through a wrapper that lets B's erasure run at one point of A's call.
type Hook = { when: 'read' | 'get' | 'forget'; run: () => Promise<void> } | undefined;

function instanceA(raw: SessionStore, hook: () => Hook, clear: () => void): SessionStore {
  return new Proxy(raw, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'readUser') {
        return async (...args: Parameters<SessionStore['readUser']>) => {
          const answer = await target.readUser(...args);
          const h = hook();
          if (h?.when === 'read') { clear(); await h.run(); }
          return answer;
        };
      }
      if (key === 'apply') {
        return async (...args: Parameters<SessionStore['apply']>) => {
          const h = hook();
          // The "This wasn't me" redemption's last write: the disowned device forgotten (lastSeenAt 0).
          if (h?.when === 'forget' && args[0].writes.some((write) => write.type === 'device' && write.lastSeenAt === 0)) { clear(); await h.run(); }
          return target.apply(...args);
        };
      }
      if (key === 'get') {
        return async (...args: Parameters<SessionStore['get']>) => {
          const answer = await target.get(...args);
          const h = hook();
          if (h?.when === 'get') { clear(); await h.run(); }
          return answer;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function scenario(open: () => Promise<SessionStore>) {
  const raw = await open();
  let hook: Hook;
  const a: SessionManager = createSessionManager({ store: instanceA(raw, () => hook, () => (hook = undefined)) });
  const b: SessionManager = createSessionManager({ store: await open() });
  return {
    a,
    b,
    eraseDuring: (when: 'read' | 'get' | 'forget', userId: string) => (hook = { when, run: async () => void (await b.eraseUser(userId)) }),
  };
}

const IP = '198.51.100.23';

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: nothing of an erased user is written back by a call that was running`, () => {
    it("reauthenticated() racing eraseUser(): no activity entry (device, IP, session id) of the erased session is written after the erasure", async () => {
      const { a, b, eraseDuring } = await scenario(open);
      const user = `erased-${Math.random().toString(36).slice(2)}`;
      const laptop = await a.create({ userId: user, userAgent: UA.chromeMac, ip: IP });
      eraseDuring('read', user);
      // The "Confirm it's you" form on one server while "Delete my account" runs on another.
      expect(await a.reauthenticated(laptop.session.id)).toBeNull();
      // eraseUser resolved on B: "no call of the library, no query and no export returns the user's sessions".
      const exported = await b.exportUser(user);
      expect(exported.sessions).toEqual([]);
      expect(exported.activity).toEqual([]);
    });

    it("issueRevocationLink() racing eraseUser(): no link is handed out for the erased session", async () => {
      const { a, b, eraseDuring } = await scenario(open);
      const user = `erased-${Math.random().toString(36).slice(2)}`;
      const laptop = await a.create({ userId: user, userAgent: UA.chromeMac, ip: IP, tenantId: 'acme' });
      eraseDuring('get', user);
      // The new-device mail being prepared (session.created listener) while the user deletes the account: no link to send.
      const link = await a.issueRevocationLink(laptop.session.id);
      expect(link).toBeNull();
      expect(await b.exportUser(user)).toMatchObject({ sessions: [], activity: [], devices: [] });
    });

    it("redeemRevocationLink() racing eraseUser(): no known device of the erased user is written after the erasure", async () => {
      const { a, b, eraseDuring } = await scenario(open);
      const user = `erased-${Math.random().toString(36).slice(2)}`;
      const laptop = await a.create({ userId: user, userAgent: UA.chromeMac, ip: IP });
      const link = await a.issueRevocationLink(laptop.session.id);
      eraseDuring('forget', user);
      // The user clicks "This wasn't me" in the mail on one server while "Delete my account" runs on another.
      await a.redeemRevocationLink(link);
      expect((await b.exportUser(user)).devices).toEqual([]);
    });
  });
}

for (const store of await sharedStores('rv')) cases(store.name, store.up, store.open);
