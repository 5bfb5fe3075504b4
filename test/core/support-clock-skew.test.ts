import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import { SHARED_STORE_KINDS, type SharedStore } from '../federated/support/shared-stores.js';

// A support session is judged against its admin's epochs. The support row's createdAt is the clock of the server that
// started it, an admin's epoch the clock of the server that revoked: the two are never compared.
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const T = 1_800_000_000_000;

function twoServers(stores: readonly [SessionStore, SessionStore], aheadBy: number) {
  let offset = 0;
  const ahead = createSessionManager({ store: stores[0], clock: () => T + aheadBy + offset, accessTokens: { secret: SECRET } });
  const onTime = createSessionManager({ store: stores[1], clock: () => T + offset, accessTokens: { secret: SECRET } });
  return { ahead, onTime, later: (ms: number) => void (offset += ms), close: () => Promise.all([ahead.close(), onTime.close()]) };
}

async function supportOutlivesNoRevocation(stores: readonly [SessionStore, SessionStore]) {
  const { ahead, onTime, later, close } = twoServers(stores, 120_000);
  try {
    const admin = await onTime.create({ userId: 'admin' });
    await onTime.create({ userId: 'admin', kind: 'api' });
    const support = await ahead.impersonate(admin.session, 'ada');
    const accessToken = await ahead.issueAccessToken(support.session);
    expect((await onTime.validate(support.token)).ok).toBe(true);
    later(10_000);
    await onTime.revokeAll('admin', { kinds: ['api'] });
    later(10_000);
    return { validate: (await onTime.validate(support.token)).ok, accessToken: (await onTime.verifyAccessToken(accessToken)).ok, listed: (await onTime.list('ada')).length };
  } finally {
    await close();
  }
}

describe('support access started on a server whose clock runs ahead of the one that revokes', () => {
  it("a later revokeAll(adminId, { kinds: ['api'] }) ends it for validate, access tokens and the list (memory, two managers)", async () => {
    const store = memoryStore();
    expect(await supportOutlivesNoRevocation([store, store])).toEqual({ validate: false, accessToken: false, listed: 0 });
  });

  it('started right after its admin revoked their own api tokens (the same ms, or by a server 2 s ahead), it works', async () => {
    const store = memoryStore();
    const { ahead, onTime, close } = twoServers([store, store], 2_000);
    try {
      const admin = await onTime.create({ userId: 'admin' });
      await onTime.revokeAll('admin', { kinds: ['api'] });
      expect((await onTime.validate((await onTime.impersonate(admin.session, 'ada')).token)).ok).toBe(true);
      await ahead.revokeAll('admin', { kinds: ['api'] });
      expect((await onTime.validate(admin.token)).ok).toBe(true);
      expect((await onTime.validate((await onTime.impersonate(admin.session, 'bob')).token)).ok).toBe(true);
    } finally {
      await close();
    }
  });

  // A faster server signed the admin out everywhere first; the admin signs in again and starts support on this server, then revokes `kinds` (all when undefined).
  async function afterFasterSignOut(kinds: string[] | undefined) {
    const store = memoryStore();
    const { ahead, onTime, later, close } = twoServers([store, store], 120_000);
    try {
      await ahead.create({ userId: 'admin' });
      await ahead.revokeAll('admin');
      later(1_000);
      const admin = await onTime.create({ userId: 'admin' });
      const support = await onTime.impersonate(admin.session, 'ada');
      expect([(await onTime.validate(admin.token)).ok, (await onTime.validate(support.token)).ok]).toEqual([true, true]);
      later(8_000);
      await onTime.revokeAll('admin', kinds === undefined ? {} : { kinds });
      return { admin: (await onTime.validate(admin.token)).ok, support: (await onTime.validate(support.token)).ok, listed: (await onTime.list('ada')).length };
    } finally {
      await close();
    }
  }

  it("a later revocation of one kind ends it although that kind's epoch stays below another kind's that a faster server wrote before", async () => {
    expect(await afterFasterSignOut(['api'])).toEqual({ admin: true, support: false, listed: 0 });
  });

  it("a later revocation of the kind whose epoch a faster server already set past this server's clock ends the admin's session and the support session", async () => {
    expect(await afterFasterSignOut(undefined)).toEqual({ admin: false, support: false, listed: 0 });
  });
});

for (const kind of SHARED_STORE_KINDS) {
  describe.skipIf(!(await kind.up()))(`support access and a later admin revocation on ${kind.name}, two servers with clocks 2 minutes apart`, () => {
    let shared: SharedStore;
    beforeAll(async () => {
      shared = await kind.share('supportskew');
    });
    afterAll(() => shared.cleanup());

    it('the revocation ends the support session for validate, access tokens and the list', async () => {
      expect(await supportOutlivesNoRevocation(shared.stores)).toEqual({ validate: false, accessToken: false, listed: 0 });
    });
  });
}
