import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHomeIssuer, type HomeIssuer } from '../federated/support/issuer.js';
import { createSessionManager, isSessionError, SessionError, type SessionStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { keyName } from '../../src/storage/keys.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { TestClock, UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

let idp: HomeIssuer;
beforeAll(async () => void (idp = await startHomeIssuer('app-client')));
afterAll(async () => idp.close());

// A sign-in through the provider just after the erase's batch must stay findable; a failed erase, called again, must leave no key naming the user.
const outcome = (promise: Promise<unknown>) => promise.then(() => 'erased', (error: unknown) => (isSessionError(error) ? error.code : String(error)));

// A user signed in through the provider on instance B, a second ago.
async function signedIn(open: () => Promise<SessionStore>, clock: TestClock, label: string) {
  const user = `${label}-${Math.random().toString(36).slice(2)}`;
  const federated = { iss: idp.issuer, sub: `sub-${user}`, sid: `sid-${user}` };
  const b = createSessionManager({ store: await open(), clock: clock.read });
  await b.create({ userId: user, userAgent: UA.chromeMac, federated });
  clock.advance(1_000);
  return { user, federated, b };
}

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: eraseUser() and the provider identities' keys`, () => {
    it("a federated sign-in landing right after the erase batch (before eraseUser() returns) stays findable by its provider's logout", async () => {
      const clock = new TestClock();
      const { user, federated, b } = await signedIn(open, clock, 'r2a');
      const raw = await open();
      let late: { token: string; session: { id: string } } | undefined;
      const storeA = intercepted(raw, (method, call, args) => {
        const batch = args[0] as { writes?: readonly { type: string }[] } | undefined;
        // The erase's batch has landed; before eraseUser() goes on, the user signs in again through the provider (another instance).
        if (method === 'apply' && batch?.writes?.some((write) => write.type === 'erase') === true) {
          return (call() as Promise<boolean>).then(async (applied) => {
            if (applied && late === undefined) {
              clock.advance(1_000);
              late = await b.create({ userId: user, userAgent: UA.chromeMac, federated });
            }
            return applied;
          });
        }
        return call();
      });
      const a = createSessionManager({ store: storeA, clock: clock.read });
      const result = await outcome(a.eraseUser(user));
      const live = (await b.validate(late!.token)).ok;
      const found = await storeOperations(raw).findFederatedLinks({ by: 'sid', iss: federated.iss, sid: federated.sid }, clock.now);
      const logout = await b.backchannelLogout(await idp.logoutToken({ claims: { sid: federated.sid, sub: federated.sub } }), { issuers: [{ issuer: idp.issuer, clientId: 'app-client' }] });
      const liveAfterLogout = (await b.validate(late!.token)).ok;
      const ended = logout.ok ? logout.revokedIds : [];
      expect({ result, live, providerLogoutFinds: found.length, ended, liveAfterLogout }).toEqual({ result: 'erased', live: true, providerLogoutFinds: 1, ended: [late!.session.id], liveAfterLogout: false });
    });

    it('a failure taking the user off the keys: called again as told, no provider key still names the erased user', async () => {
      const clock = new TestClock();
      const { user, federated } = await signedIn(open, clock, 'r2b');
      const raw = await open();
      let failed = false;
      const storeA = intercepted(raw, (method, call, args) => {
        const batch = args[0] as { owner?: { key?: string } } | undefined;
        if (method === 'apply' && batch?.owner?.key !== undefined && !failed) {
          failed = true;
          return Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset'));
        }
        return call();
      });
      const a = createSessionManager({ store: storeA, clock: clock.read });
      const first = await outcome(a.eraseUser(user));
      const second = await outcome(a.eraseUser(user));
      const subKey = await raw.readKey(keyName('fsub', federated.iss, federated.sub));
      const sidKey = await raw.readKey(keyName('fsid', federated.iss, federated.sid));
      const naming = [subKey.value, sidKey.value].filter((value) => value?.includes(user) === true);
      expect({ first, second, keysNamingErasedUser: naming }).toEqual({ first: 'STORE_UNAVAILABLE', second: 'erased', keysNamingErasedUser: [] });
    });
  });
}

for (const store of await sharedStores('zzr2e')) cases(store.name, store.up, store.open);
