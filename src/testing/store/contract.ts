import { codeOf, freshUser, storedRow } from './fixtures.js';
import type { StoreSuiteContext } from './context.js';
import type { SessionRecord, Write } from '../../store.js';

/** The contract itself: versions moved by one per batch, batches whole or not at all, keys claimed once. */
export function describeContract({ describe, it, expect, store, raw }: StoreSuiteContext): void {
  const row = (userId: string): SessionRecord => storedRow(store(), userId);
  const insert = (session: SessionRecord): Write => ({ type: 'insert', session });

  describe('the store contract', () => {
    it('applies a batch only at the version read, and moves the version by one', async () => {
      const userId = freshUser('version');
      expect((await raw().readUser(userId)).version).toBe(0);
      const first = row(userId);
      expect(await raw().apply({ owner: { userId }, version: 0, writes: [insert(first)] })).toBe(true);
      expect((await raw().readUser(userId)).version).toBe(1);
      const stale = row(userId);
      expect(await raw().apply({ owner: { userId }, version: 0, writes: [insert(stale), { type: 'epochs', epochs: { browser: 5 } }] })).toBe(false);
      const state = await raw().readUser(userId);
      expect([state.version, state.sessions.map((session) => session.id)]).toEqual([1, [first.id]]);
      expect(await raw().get(stale.id)).toBeNull();
      expect({ ...state.epochs }).toEqual({});
      expect(await raw().apply({ owner: { userId }, writes: [{ type: 'epochs', epochs: { browser: 5 } }] })).toBe(true);
      expect((await raw().readUser(userId)).version).toBe(2);
      // A batch of no writes (the manager's stop to a batch still on its way) checks and moves the version too.
      expect([await raw().apply({ owner: { userId }, version: 2, writes: [], durable: true }), await raw().apply({ owner: { userId }, version: 2, writes: [insert(row(userId))] })]).toEqual([true, false]);
      expect((await raw().readUser(userId)).version).toBe(3);
    });

    it('puts a whole new version of a row with the same id: every field replaced, absent fields absent', async () => {
      const userId = freshUser('put');
      const first = { ...row(userId), data: { plan: 'team' }, deviceKey: 'Chrome|Mac OS', browser: 'Chrome' };
      await raw().apply({ owner: { userId }, writes: [insert(first)] });
      const { data: _data, deviceKey: _deviceKey, browser: _browser, ...rest } = first;
      const rotated: SessionRecord = { ...rest, secretHash: new Uint8Array(32).fill(7), previousSecretHash: first.secretHash, rotatedAt: first.createdAt + 1, rotationSalt: 'c2FsdC1vZi10aGUtcm90YXRpb24', retiredSecretHashes: 'B'.repeat(1_333) };
      expect(await raw().apply({ owner: { userId }, version: 1, writes: [insert(rotated)] })).toBe(true);
      const read = (await raw().get(first.id))!.session;
      const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
      expect([hex(read.secretHash), hex(read.previousSecretHash!), read.rotatedAt, read.rotationSalt, read.retiredSecretHashes]).toEqual(['07'.repeat(32), hex(first.secretHash), first.createdAt + 1, 'c2FsdC1vZi10aGUtcm90YXRpb24', 'B'.repeat(1_333)]);
      expect([read.data, read.deviceKey, read.browser]).toEqual([undefined, undefined, undefined]);
      expect((await raw().readUser(userId)).sessions).toHaveLength(1);
    });

    it('reads one row of a user by its id, or none: the version, epochs and deny-list whole, the tenants of the rows read only', async () => {
      const userId = freshUser('one-row');
      const [acme, globex] = [freshUser('tenant'), freshUser('tenant')];
      for (const tenantId of [acme, globex]) await raw().apply({ owner: { tenantId }, writes: [{ type: 'epochs', epochs: { browser: 3 } }] });
      const [first, second] = [{ ...row(userId), tenantId: acme }, { ...row(userId), tenantId: globex }];
      const other = row(freshUser('one-row'));
      await raw().apply({ owner: { userId: other.userId }, writes: [insert(other)] });
      const writes: Write[] = [insert(first), insert(second), { type: 'epochs', epochs: { browser: 2 } }, { type: 'deny', sessionId: first.id, until: 9e12 }];
      await raw().apply({ owner: { userId }, writes });
      const one = await raw().readUser(userId, undefined, second.id);
      expect([one.version, one.sessions.map((session) => session.id), { ...one.epochs }, { ...one.denied }]).toEqual([1, [second.id], { browser: 2 }, { [first.id]: 9e12 }]);
      expect(Object.keys(one.tenantEpochs)).toEqual([globex]);
      // Another user's row, a missing one, or none asked for: no session, the rest as ever.
      for (const sessionId of [other.id, `${second.id}x`, null]) {
        const none = await raw().readUser(userId, acme, sessionId);
        expect([none.version, none.sessions, Object.keys(none.tenantEpochs)]).toEqual([1, [], [acme]]);
      }
    });

    it("raises a user's high-water marks to the larger, apart from its tenant's, and keeps them when the user is erased or pruned", async () => {
      const userId = freshUser('marks');
      const tenantId = freshUser('tenant');
      const mark = (at: number, tenant?: string): Write => ({ type: 'highWater', tenantId: tenant, kind: 'browser', at });
      await raw().apply({ owner: { userId }, writes: [insert(row(userId)), mark(9), mark(3), mark(20, tenantId), { type: 'highWater', kind: 'api', at: 4 }] });
      expect({ ...(await raw().readUser(userId, undefined, null)).highWater }).toEqual({ browser: 9, api: 4 });
      expect({ ...(await raw().readTenant(tenantId)).highWater }).toEqual({ browser: 20 });
      expect({ ...(await raw().readUser(freshUser('marks'))).highWater }).toEqual({});
      await raw().apply({ owner: { userId }, writes: [{ type: 'erase' }] });
      const erased = await raw().readUser(userId);
      expect([erased.sessions, { ...erased.highWater }]).toEqual([[], { browser: 9, api: 4 }]);
      // A mark is no time that runs out: "sign out everywhere" reads it for the kinds stored and for sessions born on a faster clock.
      await raw().prune({ now: Date.now(), limit: 100 });
      expect([{ ...(await raw().readUser(userId)).highWater }, { ...(await raw().readTenant(tenantId)).highWater }]).toEqual([{ browser: 9, api: 4 }, { browser: 20 }]);
    });

    it("keeps owners apart: a user, a tenant and a key move alone; a get answers the tenant's epochs; a batch revokes only its user's rows", async () => {
      const userId = freshUser('owners');
      const tenantId = freshUser('tenant');
      const key = `test:${freshUser('key')}`;
      expect(await raw().apply({ owner: { tenantId }, version: 0, writes: [{ type: 'epochs', epochs: { browser: 9 } }] })).toBe(true);
      const tenant = await raw().readTenant(tenantId);
      expect([tenant.version, { ...tenant.epochs }]).toEqual([1, { browser: 9 }]);
      expect((await raw().readUser(userId)).version).toBe(0);
      expect((await raw().readKey(key)).version).toBe(0);
      const session = { ...row(userId), tenantId };
      expect(await raw().apply({ owner: { userId }, version: 0, writes: [insert(session), { type: 'highWater', tenantId, kind: 'browser', at: session.createdAt }] })).toBe(true);
      const raised = await raw().readTenant(tenantId);
      expect([raised.version, { ...raised.highWater }]).toEqual([1, { browser: session.createdAt }]);
      expect({ ...(await raw().readUser(userId, tenantId)).tenantEpochs[tenantId] }).toEqual({ browser: 9 });
      // Asked for by a user with no row in it, as a sign-in to a new organization reads it.
      expect({ ...(await raw().readUser(freshUser('owners'), tenantId)).tenantEpochs[tenantId] }).toEqual({ browser: 9 });
      expect({ ...(await raw().get(session.id))!.tenantEpochs }).toEqual({ browser: 9 });
      // A revoke names one of its owner's rows: another user's batch leaves this one alone.
      expect(await raw().apply({ owner: { userId: freshUser('owners') }, writes: [{ type: 'revoke', sessionId: session.id, at: session.createdAt, reason: 'revoked' }] })).toBe(true);
      expect((await raw().get(session.id))!.session.revokedAt).toBeUndefined();
    });

    it('claims a key at version 0 once; the value (2,048 characters at most) and expiry come back as put', async () => {
      const key = `test:${freshUser('claim')}`;
      const expiresAt = Date.now() + 60_000;
      // The longest value the contract allows, with characters outside ASCII: a short or byte-sized column loses them.
      const value = `["é😀",${'9'.repeat(2_040)}]`;
      const put: Write = { type: 'putKey', key, value, expiresAt };
      const answers = await Promise.all([0, 1, 2, 3].map(() => raw().apply({ owner: { key }, version: 0, writes: [put] })));
      expect(answers.filter(Boolean)).toHaveLength(1);
      const state = await raw().readKey(key);
      expect([state.value, state.expiresAt]).toEqual([value, expiresAt]);
      expect(state.version).toBe(1);
      // A put moves the version by one: a batch at the version read before it is stale.
      expect(await raw().apply({ owner: { key }, version: 1, writes: [put] })).toBe(true);
      expect([(await raw().readKey(key)).version, await raw().apply({ owner: { key }, version: 1, writes: [put] })]).toEqual([2, false]);
      expect(await raw().apply({ owner: { key }, version: 2, writes: [{ type: 'deleteKey', key }] })).toBe(true);
      expect((await raw().readKey(key)).value).toBeUndefined();
    });

    it('answers copies and keeps copies: changing a written row, or a row or epochs read, changes nothing stored', async () => {
      const userId = freshUser('copies');
      const session = { ...row(userId), data: { plan: 'team' } };
      await raw().apply({ owner: { userId }, writes: [insert(session), { type: 'epochs', epochs: { browser: 1 } }] });
      const [got, state] = [(await raw().get(session.id))!, await raw().readUser(userId)];
      // Reflect.set: a frozen answer is fine too.
      for (const answer of [session.data, got.session.data!, got.epochs, state.sessions[0]!.data!, state.epochs]) void [Reflect.set(answer, 'plan', 'free'), Reflect.set(answer, 'browser', 0)];
      const [again, reread] = [(await raw().get(session.id))!, await raw().readUser(userId)];
      expect([again.session.data, { ...again.epochs }, reread.sessions[0]!.data, { ...reread.epochs }]).toEqual([{ plan: 'team' }, { browser: 1 }, { plan: 'team' }, { browser: 1 }]);
    });

    it('rejects every call with CLOSED after close()', async () => {
      const [store, userId] = [raw(), freshUser('closed')];
      await store.close();
      const calls = [store.get('A'.repeat(22)), store.readUser(userId), store.readTenant(userId), store.readKey('test:closed'), store.apply({ owner: { userId }, writes: [] }), store.touch('A'.repeat(22), { lastUsedAt: 1 }), store.prune({ now: 1, limit: 1 })];
      expect(await Promise.all(calls.map(codeOf))).toEqual(calls.map(() => 'CLOSED'));
    });

    it('touch only moves times forward, on a row that exists and is not revoked, and moves no version', async () => {
      const userId = freshUser('touch');
      const session = row(userId);
      await raw().apply({ owner: { userId }, writes: [insert(session)] });
      expect(await raw().touch(session.id, { lastUsedAt: session.createdAt + 10 })).toBe(true);
      expect(await raw().touch(session.id, { lastUsedAt: session.createdAt + 5, authenticatedAt: session.createdAt + 7 })).toBe(true);
      expect(await raw().touch(session.id, { authenticatedAt: session.createdAt + 3 })).toBe(true);
      const read = (await raw().get(session.id))!.session;
      expect([read.lastUsedAt, read.authenticatedAt]).toEqual([session.createdAt + 10, session.createdAt + 7]);
      // A touch races no batch: moving the version would make every sign-in and sign-out read before it lose and retry.
      expect((await raw().readUser(userId)).version).toBe(1);
      await raw().apply({ owner: { userId }, writes: [{ type: 'revoke', sessionId: session.id, at: session.createdAt + 11, reason: 'sign_out' }] });
      expect(await raw().touch(session.id, { lastUsedAt: session.createdAt + 20 })).toBe(false);
      expect(await raw().touch(session.id, { authenticatedAt: session.createdAt + 20 })).toBe(false);
      for (const times of [{ lastUsedAt: 1 }, { authenticatedAt: 1 }]) {
        expect(await raw().touch('A'.repeat(22), times)).toBe(false);
        expect(await raw().get('A'.repeat(22))).toBeNull();
      }
      const ended = (await raw().get(session.id))!.session;
      expect([ended.lastUsedAt, ended.authenticatedAt, ended.revokedAt, ended.revokedReason]).toEqual([session.createdAt + 10, session.createdAt + 7, session.createdAt + 11, 'sign_out']);
    });

    it('erase deletes the user\'s rows, deny-list, devices and keys, and keeps epochs and version', async () => {
      const userId = freshUser('erase');
      const session = row(userId);
      const key = `test:${freshUser('erase-key')}`;
      const writes: Write[] = [
        insert(session),
        { type: 'epochs', epochs: { browser: 3 } },
        { type: 'deny', sessionId: session.id, until: session.expiresAt },
        { type: 'device', deviceHash: 'd'.repeat(43), lastSeenAt: session.createdAt },
        { type: 'putKey', key, value: userId, expiresAt: session.expiresAt, userId },
      ];
      await raw().apply({ owner: { userId }, writes });
      expect(await raw().apply({ owner: { userId }, version: 1, writes: [{ type: 'erase' }] })).toBe(true);
      const state = await raw().readUser(userId);
      expect([state.version, state.sessions.length, { ...state.epochs }, { ...state.denied }, { ...state.devices }]).toEqual([2, 0, { browser: 3 }, {}, {}]);
      expect((await raw().readKey(key)).value).toBeUndefined();
    });

    it('a batch that fails part way rejects and leaves nothing of itself: not the row, the revoke, the epochs, the deny-list or the version', async () => {
      const userId = freshUser('atomic');
      const kept = row(userId);
      await raw().apply({ owner: { userId }, writes: [insert(kept)] });
      const added = row(userId);
      // The last write cannot be read, as a value too long for its column cannot be written.
      const cannot = (): never => {
        throw new Error('this write cannot be applied');
      };
      const unreadable = Object.defineProperty({ type: 'activity' }, 'entry', { enumerable: true, get: cannot }) as unknown as Write;
      const writes: Write[] = [insert(added), { type: 'revoke', sessionId: kept.id, at: kept.createdAt + 1, reason: 'revoked' }, { type: 'epochs', epochs: { browser: 5 } }, { type: 'deny', sessionId: kept.id, until: 9e12 }, unreadable];
      expect(await codeOf(raw().apply({ owner: { userId }, version: 1, writes }))).not.toBe('created');
      const state = await raw().readUser(userId);
      expect([state.version, state.sessions.map((session) => [session.id, session.revokedAt]), { ...state.epochs }, { ...state.denied }]).toEqual([1, [[kept.id, undefined]], {}, {}]);
      expect(await raw().get(added.id)).toBeNull();
      expect(await raw().apply({ owner: { userId }, version: 1, writes: [insert(added)] })).toBe(true);
    });

    it("a user's batch moves that user's version only, though another user is at the same version", async () => {
      const [a, b] = [freshUser('apart'), freshUser('apart')];
      for (const userId of [a, b]) expect(await raw().apply({ owner: { userId }, version: 0, writes: [] })).toBe(true);
      expect(await raw().apply({ owner: { userId: a }, version: 1, writes: [] })).toBe(true);
      expect([(await raw().readUser(a)).version, (await raw().readUser(b)).version]).toEqual([2, 1]);
      expect(await raw().apply({ owner: { userId: b }, version: 1, writes: [] })).toBe(true);
    });
  });
}
