import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type CreatedSession, type SessionManager, type SessionStore } from '../../src/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

// A tenant's sign-out on a busy tenant: another server, its clock two minutes ahead (and a
// second on at each reading), signs a user in to the tenant just before each of the sign-out's store calls.
describe('revokeTenant while sign-ins keep landing in the tenant', () => {
  it('ends what was stored before its second read, keeps what came after, and reads the tenant twice', async () => {
    const shared = memoryStore();
    let aheadNow = Date.now() + 120_000;
    const ahead = createSessionManager({ store: shared, clock: () => (aheadNow += 1_000) });
    const signedIn: Array<{ before: string; created: CreatedSession }> = [];
    let racing = false;
    const calls: string[] = [];
    const store: SessionStore = intercepted(shared, (method, call) => {
      if (!racing || (method !== 'readTenant' && method !== 'apply')) return call();
      calls.push(method);
      return ahead.create({ userId: `u${signedIn.length}`, tenantId: 'acme' }).then((created) => {
        signedIn.push({ before: `${method} ${calls.length}`, created });
        return call();
      });
    });
    const server = createSessionManager({ store });
    racing = true;
    await server.revokeTenant('acme');
    racing = false;

    expect(calls).toEqual(['readTenant', 'apply', 'readTenant', 'apply']);
    const live: Record<string, boolean> = {};
    for (const { before, created } of signedIn) live[before] = (await server.validate(created.token)).ok;
    // Before the batch: ordered before the sign-out. Before the second read: concurrent, ended
    // by the second raise. Before the second batch: stored after the read, so it stays.
    expect(live).toEqual({ 'readTenant 1': false, 'apply 2': false, 'readTenant 3': false, 'apply 4': true });
  });

  // A sign-in another server (its clock ahead) finished after the first read, before the first write: only the second raise ends it.
  function secondReadFails(failure: () => Promise<never>) {
    const shared = memoryStore();
    const ahead = createSessionManager({ store: shared, clock: () => Date.now() + 120_000 });
    let early: CreatedSession | undefined;
    let reads = 0;
    const store: SessionStore = intercepted(shared, (method, call) => {
      if (method === 'readTenant' && ++reads === 2) return failure();
      if (method === 'apply' && reads === 1 && early === undefined) return ahead.create({ userId: 'ada', tenantId: 'acme' }).then((created) => ((early = created), call()));
      return call();
    });
    return { shared, store, early: () => early! };
  }

  it('throws when the second raise fails, not answering done while a sign-in only it ends is live; called again, it ends it', async () => {
    const { shared, store, early } = secondReadFails(() => Promise.reject(new SessionError('STORE_UNAVAILABLE', 'connection reset')));
    const errors: unknown[] = [];
    const server = createSessionManager({ store, onError: (error) => void errors.push(error) });
    const events: string[] = [];
    server.on('tenant.sessions_invalidated', (event) => void events.push(event.tenantId));
    const before = await server.create({ userId: 'bob', tenantId: 'acme' });

    await expect(server.revokeTenant('acme')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(errors).toEqual([]);
    expect(events).toEqual([]);
    // The first raise landed: what was stored before it is ended, and its activity entry is written.
    expect(await server.validate(before.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await shared.listActivity!('nobody', { tenantId: 'acme', limit: 10 })).map((entry) => entry.type)).toEqual(['tenant.sessions_invalidated']);
    expect((await server.validate(early().token)).ok).toBe(true);

    await server.revokeTenant('acme');
    expect(await server.validate(early().token)).toEqual({ ok: false, reason: 'revoked' });
    expect(events).toEqual(['acme']);
  });

  it('throws when the second raise hangs past storeTimeout', async () => {
    const { store } = secondReadFails(() => new Promise<never>(() => undefined));
    const server = createSessionManager({ store, storeTimeout: 50 });
    const before = await server.create({ userId: 'bob', tenantId: 'acme' });

    await expect(server.revokeTenant('acme')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await server.validate(before.token)).toEqual({ ok: false, reason: 'revoked' });
  });
});

// A tenant admin signs one user out of the tenant on one server while, on another, the user's laptop
// in that tenant changes its password or signs in again, after the admin's sign-out read the user's sessions.
describe("a tenant admin's sign-out of one user while the user's devices act", () => {
  async function signOutOvertakenBy(overtake: (user: SessionManager, laptop: CreatedSession) => Promise<{ token?: string | undefined }>) {
    const shared = memoryStore();
    const user = createSessionManager({ store: shared });
    let armed = false;
    let newToken: string | undefined;
    const store: SessionStore = intercepted(shared, (method, call) => {
      if (!armed || method !== 'apply') return call();
      armed = false;
      return overtake(user, laptop).then((made) => {
        newToken = made.token;
        return call();
      });
    });
    const admin = createSessionManager({ store });
    const laptop = await user.create({ userId: 'ada', tenantId: 'acme' });
    const elsewhere = await user.create({ userId: 'ada', tenantId: 'globex' });
    armed = true;
    const { revokedIds } = await admin.revokeAll('ada', { tenantId: 'acme', by: 'admin-1' });
    expect(armed).toBe(false);
    expect(newToken).toEqual(expect.any(String));
    return { revokedIds, newToken: newToken!, elsewhere, user };
  }

  it("ends the session a password change made in the tenant from the session it was about to end", async () => {
    const { revokedIds, newToken, elsewhere, user } = await signOutOvertakenBy((user, laptop) => user.passwordChanged('ada', { currentSessionId: laptop.session.id }));
    expect(await user.validate(newToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(revokedIds).toHaveLength(1);
    // The change's sign-out everywhere ended the other tenant's session, not the admin.
    expect((await user.validate(elsewhere.token)).ok).toBe(false);
  });

  it('ends a sign-in to the tenant that landed after it read the sessions, before its write', async () => {
    const { revokedIds, newToken, elsewhere, user } = await signOutOvertakenBy((user) => user.create({ userId: 'ada', tenantId: 'acme' }));
    expect(await user.validate(newToken)).toEqual({ ok: false, reason: 'revoked' });
    expect(revokedIds).toHaveLength(2);
    expect((await user.validate(elsewhere.token)).ok).toBe(true);
  });
});
