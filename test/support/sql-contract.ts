import { expect, it } from 'vitest';
import type { SessionRecord, SessionStore } from '../../src/store.js';

/** A session row as the manager would insert it. */
export function row(id: string, userId: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    userId,
    kind: 'browser',
    secretHash: new Uint8Array(Array.from({ length: 32 }, (_, i) => (i * 37 + id.length) % 256)),
    createdAt: 1_000,
    expiresAt: 100_000,
    lastUsedAt: 1_000,
    authenticatedAt: 1_000,
    ...extra,
  };
}

// The manager writes hashes as Uint8Arrays; the SQL stores answer the Buffers they decode.
const answered = (session: SessionRecord): SessionRecord => ({
  ...session,
  secretHash: Buffer.from(session.secretHash),
  ...(session.previousSecretHash === undefined ? {} : { previousSecretHash: Buffer.from(session.previousSecretHash) }),
});

/**
 * The raw contract on one SQL store (the conformance kit runs the operations over it): what each
 * statement of the shared layer does, in this store's dialect. `open` returns an empty store.
 */
export function describeSqlContract(open: () => Promise<SessionStore>): void {
  it('applies a batch only when its version holds, and reads it back in one query', async () => {
    const store = await open();
    const session = row('s1', '__proto__', { tenantId: 't1', data: { a: [1, 'x'] }, federated: { iss: 'https://idp', sub: 'u' }, persistent: false });
    const rotated = { ...row('s1', '__proto__', { expiresAt: 200_000 }), previousSecretHash: new Uint8Array(32).fill(7), rotatedAt: 1_500 };
    expect(await store.apply({ owner: { userId: '__proto__' }, version: 0, writes: [{ type: 'insert', session }, { type: 'epochs', epochs: { browser: 5 } }] })).toBe(true);
    expect(await store.apply({ owner: { userId: '__proto__' }, version: 0, writes: [{ type: 'insert', session: row('s2', '__proto__') }] })).toBe(false);
    expect(await store.apply({ owner: { tenantId: 't1' }, writes: [{ type: 'epochs', epochs: { api: 7 } }], notify: true })).toBe(true);
    const state = await store.readUser('__proto__', 'other');
    expect(state.version).toBe(1);
    expect(state.sessions).toEqual([answered(session)]);
    expect(state.epochs).toEqual({ browser: 5 });
    expect(state.tenantEpochs).toEqual({ t1: { api: 7 } });
    const lookup = await store.get('s1');
    expect(lookup).toEqual({ session: answered(session), epochs: { browser: 5 }, tenantEpochs: { api: 7 } });
    expect(await store.get('missing')).toBeNull();
    expect(await store.readTenant('t1')).toEqual({ version: 1, epochs: { api: 7 }, highWater: {} });
    // Putting a row of the same id replaces it whole.
    expect(await store.apply({ owner: { userId: '__proto__' }, version: 1, writes: [{ type: 'insert', session: rotated }] })).toBe(true);
    expect((await store.get('s1'))?.session).toEqual(answered(rotated));
    await store.close();
  });

  it('applies every write kind, touch, erase and prune', async () => {
    const store = await open();
    const user = { userId: 'u' };
    const entry = { id: 'a1', userId: 'u', tenantId: 't', type: 'session.created', at: 10, reason: 'sign_in' };
    const tenantEntry = { id: 'a2', tenantId: 't', type: 'tenant.revoked', at: 11, reason: 'x' };
    expect(
      await store.apply({
        owner: user,
        writes: [
          { type: 'insert', session: row('s1', 'u', { tenantId: 't' }) },
          { type: 'insert', session: row('s2', 'u', { expiresAt: 50 }) },
          { type: 'revoke', sessionId: 's2', at: 20, reason: 'sign_out' },
          { type: 'highWater', tenantId: 't', kind: 'browser', at: 9 },
          { type: 'highWater', tenantId: 't', kind: 'browser', at: 3 },
          { type: 'deny', sessionId: 's2', until: 40 },
          { type: 'device', deviceHash: 'h'.repeat(43), lastSeenAt: 30 },
          { type: 'activity', entry },
          { type: 'activity', entry: tenantEntry },
          { type: 'putKey', key: 'k:1', value: 'v', expiresAt: 60, userId: 'u' },
        ],
      }),
    ).toBe(true);
    expect((await store.readTenant('t')).highWater).toEqual({ browser: 9 });
    const state = await store.readUser('u');
    expect(state.version).toBe(1);
    expect(state.denied).toEqual({ s2: 40 });
    expect(state.devices).toEqual({ ['h'.repeat(43)]: 30 });
    expect(state.sessions.find((s) => s.id === 's2')).toMatchObject({ revokedAt: 20, revokedReason: 'sign_out' });
    expect(await store.listActivity!('u', { limit: 10 })).toEqual([entry]);
    expect(await store.listActivity!('u', { limit: 10, tenantId: 't' })).toEqual([tenantEntry, entry]);
    expect(await store.listActivity!('u', { limit: 10, tenantId: 't', before: 'a2' })).toEqual([entry]);
    expect(await store.readKey('k:1')).toEqual({ version: 1, value: 'v', expiresAt: 60 });
    expect(await store.touch('s1', { lastUsedAt: 5000 })).toBe(true);
    expect(await store.touch('s1', { lastUsedAt: 4000, authenticatedAt: 6000 })).toBe(true);
    expect(await store.touch('s1', { lastUsedAt: 4000 })).toBe(true);
    expect(await store.touch('s2', { lastUsedAt: 500 })).toBe(false);
    expect(await store.touch('nope', { lastUsedAt: 500 })).toBe(false);
    expect((await store.get('s1'))?.session).toMatchObject({ lastUsedAt: 5000, authenticatedAt: 6000 });
    expect(await store.stats!(60)).toEqual({ browser: { live: 1, revoked: 0, expired: 1 } });
    expect(await store.prune({ now: 60, limit: 10, activityBefore: 10, devicesBefore: 30 })).toBe(1);
    const pruned = await store.readUser('u');
    expect(pruned.sessions.map((s) => s.id)).toEqual(['s1']);
    expect(pruned.denied).toEqual({});
    expect(pruned.devices).toEqual({});
    expect(await store.readKey('k:1')).toEqual({ version: 0 });
    expect(await store.listActivity!('u', { limit: 10, tenantId: 't' })).toEqual([tenantEntry]);
    expect(await store.apply({ owner: user, version: 1, writes: [{ type: 'erase' }, { type: 'putKey', key: 'k:2', value: 'w', expiresAt: 99 }] })).toBe(true);
    expect(await store.readUser('u')).toMatchObject({ version: 2, sessions: [], epochs: {} });
    expect(await store.get('s1')).toBeNull();
    await store.close();
  });

  it('keys: version 0 means absent, putKey bumps, deleteKey resets, and of two claims at once exactly one holds', async () => {
    const store = await open();
    const claim = (value: string): Promise<boolean> =>
      store.apply({ owner: { key: 'claim' }, version: 0, writes: [{ type: 'putKey', key: 'claim', value, expiresAt: 99 }] });
    const results = await Promise.all([claim('a'), claim('b'), claim('c')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.readKey('claim')).version).toBe(1);
    expect(await store.apply({ owner: { key: 'claim' }, version: 1, writes: [{ type: 'putKey', key: 'claim', value: 'z', expiresAt: 99 }] })).toBe(true);
    expect(await store.readKey('claim')).toEqual({ version: 2, value: 'z', expiresAt: 99 });
    expect(await store.apply({ owner: { key: 'claim' }, version: 1, writes: [{ type: 'deleteKey', key: 'claim' }] })).toBe(false);
    expect(await store.apply({ owner: { key: 'claim' }, version: 2, writes: [{ type: 'deleteKey', key: 'claim' }] })).toBe(true);
    expect(await store.readKey('claim')).toEqual({ version: 0 });
    // A claim that writes nothing leaves no row behind.
    expect(await store.apply({ owner: { key: 'other' }, version: 0, writes: [] })).toBe(true);
    expect(await store.readKey('other')).toEqual({ version: 0 });
    await store.close();
  });

  it('of concurrent batches on one version exactly one holds; unversioned ones all apply', async () => {
    const store = await open();
    const batch = (id: string, version?: number) => store.apply({ owner: { userId: 'r' }, version, writes: [{ type: 'insert', session: row(id, 'r') }] });
    expect((await Promise.all(['a', 'b', 'c', 'd'].map((id) => batch(id, 0)))).filter(Boolean)).toHaveLength(1);
    expect(await Promise.all(['e', 'f', 'g'].map((id) => batch(id)))).toEqual([true, true, true]);
    expect((await store.readUser('r')).version).toBe(4);
    // An owner with no row yet: unversioned batches racing to create it all apply; a version it never had holds for none.
    const fresh = (id: string, version?: number) => store.apply({ owner: { userId: 'fresh' }, version, writes: [{ type: 'insert', session: row(id, 'fresh') }] });
    expect(await fresh('n', 5)).toBe(false);
    expect(await Promise.all(['h', 'i', 'j', 'k'].map((id) => fresh(id)))).toEqual([true, true, true, true]);
    const created = await store.readUser('fresh');
    expect([created.version, created.sessions.map((session) => session.id).sort()]).toEqual([4, ['h', 'i', 'j', 'k']]);
    // All or nothing: a batch failing half way (a time no column takes) leaves its first writes undone.
    const broken = row('x', 'r', { expiresAt: Number.NaN });
    await expect(store.apply({ owner: { userId: 'r' }, writes: [{ type: 'epochs', epochs: { api: 1 } }, { type: 'insert', session: broken }] })).rejects.toThrow();
    expect(await store.readUser('r')).toMatchObject({ version: 4, epochs: {} });
    await store.close();
  });
}
