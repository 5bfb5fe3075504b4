import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHomeIssuer, type HomeIssuer } from '../federated/support/issuer.js';
import { createSessionManager, isSessionError, SessionError, type SessionStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { TestClock, UA } from '../support/clock.js';
import { sharedStores } from '../support/shared-stores.js';

// A federated sign-in lands during eraseUser() (after its sign-out everywhere, before its read), and the erase's batch then
// fails: the live session must stay findable by its provider's back-channel logout. The provider's keys are emptied only
// once the erase has landed.
let idp: HomeIssuer;
beforeAll(async () => void (idp = await startHomeIssuer('app-client')));
afterAll(async () => idp.close());

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: a failed eraseUser() and a federated sign-in made during it`, () => {
    it("leaves no live session the provider's logout cannot find", async () => {
      const clock = new TestClock();
      const user = `eu-${Math.random().toString(36).slice(2)}`;
      const federated = { iss: idp.issuer, sub: `sub-${user}`, sid: `sid-${user}` };
      const b = createSessionManager({ store: await open(), clock: clock.read });
      let late: { token: string; session: { id: string } } | undefined;
      const raw = await open();
      const storeA = intercepted(raw, (method, call, args) => {
        // The erase's read of the user (every row): B's sign-in lands first.
        if (method === 'readUser' && args[0] === user && args[1] === undefined && args[2] === undefined && late === undefined) {
          return b.create({ userId: user, userAgent: UA.chromeMac, federated }).then((created) => {
            late = created;
            return call();
          });
        }
        const batch = args[0] as { writes?: readonly { type: string }[] } | undefined;
        if (method === 'apply' && batch?.writes?.some((write) => write.type === 'erase') === true) return Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset'));
        return call();
      });
      const a = createSessionManager({ store: storeA, clock: clock.read });
      const erased = await a.eraseUser(user).then(
        () => 'erased',
        (error: unknown) => (isSessionError(error) ? error.code : String(error)),
      );
      const live = (await b.validate(late!.token)).ok;
      const found = await storeOperations(raw).findFederatedLinks({ by: 'sid', iss: federated.iss, sid: federated.sid }, clock.now);
      // The provider ends that provider session: its back-channel logout reaches this app (any instance).
      const logout = await b.backchannelLogout(await idp.logoutToken({ claims: { sid: federated.sid, sub: federated.sub } }), { issuers: [{ issuer: idp.issuer, clientId: 'app-client' }] });
      const liveAfterLogout = (await b.validate(late!.token)).ok;
      expect({ erased, live, providerLogoutFinds: found.length, logout, liveAfterLogout }).toEqual({
        erased: 'STORE_UNAVAILABLE',
        live: true,
        providerLogoutFinds: 1,
        logout: { ok: true, issuer: idp.issuer, revokedIds: [late!.session.id] },
        liveAfterLogout: false,
      });
    });
  });
}

for (const store of await sharedStores('zzeu')) cases(store.name, store.up, store.open);
