import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { UA } from '../support/clock.js';
import { intercepted } from '../../src/testing/store/fixtures.js';
import { sharedStores } from '../support/shared-stores.js';

// Two app servers on one store. A sign-in on server A (its password already checked) has read the
// user and decided; before its batch, server B's password change (or "sign out everywhere") lands.
// A's batch then loses on the version, and A reads and decides again.
function signInServer(raw: SessionStore, onBatch: () => (() => Promise<void>) | undefined): SessionStore {
  // Other methods answer as they do (some are synchronous).
  return intercepted(raw, (method, call, args) => {
    if (method !== 'apply' || !(args[0] as Batch).writes.some((write) => write.type === 'insert')) return call();
    return (async () => (await onBatch()?.(), call()))();
  });
}

const CHANGES: Record<string, (owner: SessionManager, user: string, ownSessionId: string) => Promise<unknown>> = {
  passwordChanged: (owner, user, ownSessionId) => owner.passwordChanged(user, { currentSessionId: ownSessionId }),
  passwordReset: (owner, user) => owner.passwordReset(user),
  revokeAll: (owner, user) => owner.revokeAll(user),
  revokeTenant: (owner) => owner.revokeTenant(TENANT),
};
const TENANT = 'acme';

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: a sign-in under way when the user's sessions are ended on another server`, () => {
    // The change's server has the same clock, or one a minute behind: either way its change landed while the sign-in was under way.
    // (Not a tenant's sign-out from a server behind: its batch holds the tenant's version, not the user's, so nothing orders the two.)
    const variants = Object.entries(CHANGES).flatMap(([change, run]) => [0, 60_000].filter((behind) => behind === 0 || change !== 'revokeTenant').map((behind) => ({ change, run, behind })));
    for (const { change, run, behind } of variants) {
      it(`${change}${behind > 0 ? ', its server a minute behind' : ''}: nothing signed in before the change survives it`, async () => {
        let hook: (() => Promise<void>) | undefined;
        const a = createSessionManager({ store: signInServer(await open(), () => { const h = hook; hook = undefined; return h; }), epochCacheTtl: 0 });
        const b = createSessionManager({ store: await open(), epochCacheTtl: 0, clock: () => Date.now() - behind });
        const user = `overtaken-${change}-${Math.random().toString(36).slice(2)}`;
        const owner = await b.create({ userId: user, tenantId: TENANT, userAgent: UA.firefoxWindows });
        hook = async () => void (await run(b, user, owner.session.id));
        const outcome = await a.create({ userId: user, tenantId: TENANT, userAgent: UA.chromeMac }).then(
          async (made) => ({ signedIn: (await b.validate(made.token)).ok }),
          (error: { code?: string }) => ({ refused: error.code }),
        );
        expect(hook).toBeUndefined();
        // A tenant's sign-out moves no user's version: the sign-in's batch lands, its session ended by the tenant's later epoch.
        expect(outcome).toEqual(change === 'revokeTenant' ? { signedIn: false } : { refused: 'UNAUTHENTICATED' });
        // Nothing was stored for it: the user's sessions are the changing device's, or none.
        expect((await b.list(user)).map((view) => view.browser)).not.toContain('Chrome');
        // A sign-in started after the change signs in.
        expect((await b.validate((await a.create({ userId: user, tenantId: TENANT, userAgent: UA.chromeMac })).token)).ok).toBe(true);
      });
    }
  });
}

for (const store of await sharedStores('sio')) cases(store.name, store.up, store.open);
