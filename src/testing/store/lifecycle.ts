import { CHROME_MAC_DEVICE, freshUser, insert, MAX_AGE, newRecord, pick } from './fixtures.js';
import type { StoreSuiteContext } from './context.js';

/** Create, read, touch, revoke and list: the row-level contract. */
export function describeLifecycle({ describe, it, expect, store }: StoreSuiteContext): void {
  describe('lifecycle', () => {
    it("stores a session and reads back every field as given: from get() with its epochs, in its user's list, and in the row a revoke answers", async () => {
      const user = freshUser();
      const device = { ...CHROME_MAC_DEVICE, deviceType: 'desktop', userAgent: 'Mozilla/5.0 (Macintosh)', ip: '203.0.113.7' };
      const support = { kind: 'impersonation', impersonatorId: 'admin-42', impersonatorSessionId: 'AdminSessionId-Of-22ch', impersonatorEpochs: { browser: Date.now() - 7_000, api: Date.now() - 9_000 } };
      // Proof an hour before sign-in and a session-only cookie: neither is what a store would default to.
      const proof = { authenticatedAt: Date.now() - 3_600_000, persistent: false };
      const record = newRecord(store(), user, { tenantId: 'tenant-a', ...device, ...support, ...proof, data: { plan: 'pro', seats: 3, nested: { ok: true, list: [1, 'two', null] } } });
      const { session, replaced } = await store().create(record, { replaceDevice: true });
      expect([replaced, session.createdAt, session.expiresAt, session.lastUsedAt]).toEqual([[], record.createdAt, record.createdAt + MAX_AGE, record.createdAt]);
      const found = await store().get(record.id);
      expect(found).not.toBeNull();
      expect(found!.epochs).toEqual({});
      const listed = (await store().listByUser(user)).sessions.find((row) => row.id === record.id);
      const revoked = await store().revoke(record.id, { at: record.createdAt + 1, reason: 'sign_out' });
      // Every field as given (id, user, kind, device, support, data...), the times as created, not revoked.
      const { maxAge: _maxAge, secretHash: _secretHash, ...given } = record;
      const expected = { ...given, createdAt: session.createdAt, expiresAt: session.expiresAt, lastUsedAt: session.createdAt, revokedAt: undefined };
      for (const read of [found!.session, listed!, revoked!]) {
        expect(pick(read, Object.keys(expected))).toEqual(expected);
        expect(Buffer.from(read.secretHash).equals(Buffer.from(record.secretHash))).toBe(true);
      }
    });

    it('keeps optional fields absent when they were not given, in every read', async () => {
      const record = newRecord(store(), freshUser());
      await store().create(record, { replaceDevice: false });
      const found = (await store().get(record.id))!.session;
      const listed = (await store().listByUser(record.userId)).sessions[0]!;
      const revoked = (await store().revoke(record.id, { at: record.createdAt + 1, reason: 'sign_out' }))!;
      for (const read of [found, listed, revoked]) {
        const optional = [read.tenantId, read.deviceKey, read.userAgent, read.data, read.impersonatorId, read.impersonatorSessionId, read.impersonatorEpochs];
        expect(optional.map((field) => field ?? undefined)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
        // Only `false` is stored: a column defaulting to false would make every cookie session-only.
        expect(read.persistent ?? true).toBe(true);
      }
    });

    it('returns null for a session that never existed', async () => {
      expect(await store().get('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    });

    it('lists every row of one user and none of another', async () => {
      const alice = freshUser('alice');
      const bob = freshUser('bob');
      const a1 = await insert(store(), alice);
      const a2 = await insert(store(), alice, { kind: 'api' });
      await insert(store(), bob);
      const { sessions, epochs } = await store().listByUser(alice);
      expect(sessions.map((s) => s.id).sort()).toEqual([a1.id, a2.id].sort());
      expect(epochs).toEqual({});
      expect((await store().listByUser(freshUser('nobody'))).sessions).toEqual([]);
    });

    it('keeps every time to the millisecond: a lifetime of no whole seconds, a last use weeks after sign-in', async () => {
      const day = 86_400_000;
      const record = newRecord(store(), freshUser(), { maxAge: 60 * day + 1, data: { plan: 'pro' } });
      const { session } = await store().create(record, { replaceDevice: false });
      expect(session.expiresAt).toBe(record.createdAt + 60 * day + 1);
      expect(await store().touch(session.id, record.createdAt + 25 * day + 7)).toBe(true);
      expect((await store().get(session.id))!.session.lastUsedAt).toBe(record.createdAt + 25 * day + 7);
      expect(await store().touch(session.id, record.createdAt + 55 * day + 7)).toBe(true);
      await store().revoke(session.id, { at: record.createdAt + 56 * day + 3, reason: 'sign_out' });
      const read = (await store().get(session.id))!.session;
      const { createdAt } = record;
      expect([read.createdAt, read.expiresAt, read.lastUsedAt, read.revokedAt]).toEqual([createdAt, createdAt + 60 * day + 1, createdAt + 55 * day + 7, createdAt + 56 * day + 3]);
      expect(read.data).toEqual({ plan: 'pro' });
    });

    it("keeps a row for its lifetime on the app's clock, whatever the server's clock says: an app 40 days behind keeps its sessions", async () => {
      const day = 86_400_000;
      const user = freshUser();
      const record = newRecord(store(), user, { createdAt: Date.now() - 40 * day, maxAge: 7 * day });
      await store().create(record, { replaceDevice: false });
      expect([(await store().get(record.id))?.session.id, (await store().listByUser(user)).sessions.map((row) => row.id)]).toEqual([record.id, [record.id]]);
    });

    it('revoke leaves a tombstone with time and reason', async () => {
      const session = await insert(store(), freshUser());
      const at = session.createdAt + 1_000;
      const before = await store().revoke(session.id, { at, reason: 'sign_out' });
      expect([before?.id, before?.revokedAt]).toEqual([session.id, undefined]);
      const read = (await store().get(session.id))!.session;
      expect([read.revokedAt, read.revokedReason, read.expiresAt]).toEqual([at, 'sign_out', session.expiresAt]);
    });

    it('revoking twice keeps the first reason and reports nothing new', async () => {
      const session = await insert(store(), freshUser());
      await store().revoke(session.id, { at: session.createdAt + 1, reason: 'sign_out' });
      expect(await store().revoke(session.id, { at: session.createdAt + 2, reason: 'revoked' })).toBeNull();
      const read = (await store().get(session.id))!.session;
      expect([read.revokedAt, read.revokedReason]).toEqual([session.createdAt + 1, 'sign_out']);
    });

    it('revoking a missing session does nothing and creates nothing', async () => {
      const missing = newRecord(store(), freshUser());
      expect(await store().revoke(missing.id, { at: Date.now(), reason: 'revoked' })).toBeNull();
      expect(await store().get(missing.id)).toBeNull();
    });

    it('revokeOthers keeps one session and the kinds not named', async () => {
      const [user, base] = [freshUser(), Date.now()];
      const keep = await insert(store(), user, { createdAt: base });
      // Stored newest first: the answer comes in sign-in order, whatever order the store keeps rows in.
      const remember = await insert(store(), user, { kind: 'remember', createdAt: base + 2 });
      const other = await insert(store(), user, { createdAt: base + 1 });
      const api = await insert(store(), user, { kind: 'api' });
      const stranger = await insert(store(), freshUser('stranger'));
      const revoked = await store().revokeOthers(user, { keepSessionId: keep.id, kinds: ['browser', 'remember'], at: Date.now(), reason: 'sign_out_others' });
      expect(revoked.map((row) => row.id)).toEqual([other.id, remember.id]);
      for (const { id } of [keep, api, stranger]) expect((await store().get(id))!.session.revokedAt).toBeUndefined();
      for (const { id } of [other, remember]) expect((await store().get(id))!.session.revokedReason).toBe('sign_out_others');
    });

    it('records deny-list entries for revoked sessions when asked', async () => {
      const user = freshUser();
      const one = await insert(store(), user);
      const two = await insert(store(), user);
      const three = await insert(store(), user);
      const until = Date.now() + 10 * 60_000;
      await store().revoke(one.id, { at: Date.now(), reason: 'revoked', denyUntil: until });
      await store().revoke(two.id, { at: Date.now(), reason: 'revoked' });
      await store().revokeOthers(user, { keepSessionId: two.id, kinds: ['browser'], at: Date.now(), reason: 'sign_out_others', denyUntil: until });
      const state = await store().getRevocationState(user);
      expect([state.denied[one.id], state.denied[two.id], state.denied[three.id]]).toEqual([until, undefined, until]);
      expect(state.epochs).toEqual({});
    });
  });
}
