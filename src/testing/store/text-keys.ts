import { checkAllEpochs } from '../../store-answers.js';
import { ownEntry } from '../../storage/records.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser, insert, isLive } from './fixtures.js';

// Names a plain `{}` already has: such a store reads `Object` as the epoch of "constructor".
const OBJECT_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Kinds, user and tenant ids named like `Object.prototype` properties: failing open on a name is a bypass an attacker can choose. */
export function describeTextKeys({ describe, it, expect, store, raw }: StoreSuiteContext): void {
  describe('kinds, user ids and tenant ids named like Object properties', () => {
    it('revokeAll raises and returns exactly the epochs of those kinds', async () => {
      const at = Date.now() + 1_000;
      const epochs = await store().revokeAll('user-a', { kinds: [...OBJECT_KEYS], at });
      expect(Object.keys(epochs).sort()).toEqual([...OBJECT_KEYS].sort());
      for (const kind of OBJECT_KEYS) {
        expect(Object.hasOwn(epochs, kind)).toBe(true);
        expect(epochs[kind]).toBe(at);
      }
      const state = await store().getRevocationState('user-a');
      for (const kind of OBJECT_KEYS) expect(ownEntry(state.epochs, kind)).toBe(at);
    });

    it('a kind never revoked has no epoch, whatever its name', async () => {
      const state = await store().getRevocationState('user-b');
      for (const kind of OBJECT_KEYS) expect(Object.hasOwn(state.epochs, kind)).toBe(false);
      await store().revokeAll('user-b', { kinds: ['browser'], at: Date.now() });
      const after = await store().getRevocationState('user-b');
      for (const kind of OBJECT_KEYS) expect(Object.hasOwn(after.epochs, kind)).toBe(false);
    });

    it('sessions of those kinds are revoked by their epoch, and later ones are born after it', async () => {
      for (const kind of OBJECT_KEYS) {
        const before = await insert(store(), 'user-c', { kind, tenantId: kind });
        expect(Number.isSafeInteger(before.createdAt)).toBe(true);
        expect(before.kind).toBe(kind);
        expect(before.tenantId).toBe(kind);
        const epochs = await store().revokeAll('user-c', { kinds: [kind], at: Date.now() });
        expect(ownEntry(epochs, kind)).toBeGreaterThanOrEqual(before.createdAt);
        const found = await store().get(before.id);
        expect(ownEntry(found!.epochs, kind)).toBe(epochs[kind]);
        // Its tenant, named like a property too, was never revoked: no epochs, in an object the manager accepts.
        expect({ ...checkAllEpochs(found!.tenantEpochs ?? {}, 'get') }).toEqual({});
        expect(found!.session.createdAt).toBeLessThanOrEqual(epochs[kind]!);
        const after = await insert(store(), 'user-c', { kind, tenantId: kind });
        expect([Number.isSafeInteger(after.createdAt), Number.isSafeInteger(after.expiresAt)]).toEqual([true, true]);
        expect(after.createdAt).toBeGreaterThan(epochs[kind]!);
      }
      const { sessions, epochs } = await store().listByUser('user-c');
      expect(sessions).toHaveLength(2 * OBJECT_KEYS.length);
      for (const kind of OBJECT_KEYS) {
        const ofKind = sessions.filter((session) => session.kind === kind);
        const epoch = ownEntry(epochs, kind);
        expect(epoch).toBeGreaterThan(0);
        expect(ofKind.map((session) => session.createdAt > epoch!)).toEqual([false, true]);
      }
    });

    it('ids that differ only in case, accents or spaces are other users and tenants (a case-insensitive collation merges them)', async () => {
      const base = freshUser('Case');
      const ids = [base, base.toLowerCase(), base.toUpperCase(), `${base} `, ` ${base}`, base.replace('a', '\u00e1')];
      const rows = [];
      for (const id of ids) rows.push(await insert(store(), id, { tenantId: id }));
      await store().revokeAll(base, { kinds: ['browser'], at: Date.now() });
      await store().revokeTenant!(base.toUpperCase(), { kinds: ['browser'], at: Date.now() });
      for (const [index, id] of ids.entries()) {
        expect((await store().listByUser(id)).sessions.map((session) => [session.userId, session.tenantId])).toEqual([[id, id]]);
        const found = (await store().get(rows[index]!.id))!;
        const live = isLive(found, Date.now());
        // Only the user revoked by name (the first) and the tenant revoked by name (the third) are ended.
        expect([found.session.userId, live]).toEqual([id, index !== 0 && index !== 2]);
      }
    });

    it('user ids named like Object properties are users like any other', async () => {
      const ids: string[] = [];
      for (const user of OBJECT_KEYS) ids.push((await insert(store(), user, { tenantId: user })).id);
      const epochs = await store().revokeAll('constructor', { kinds: ['browser'], at: Date.now() });
      for (const [index, user] of OBJECT_KEYS.entries()) {
        const { sessions, epochs: listed } = await store().listByUser(user);
        expect(sessions.map((session) => [session.id, session.userId, session.tenantId])).toEqual([[ids[index], user, user]]);
        const found = await store().get(ids[index]!);
        expect(found!.session.userId).toBe(user);
        expect(isLive(found!, Date.now())).toBe(user !== 'constructor');
        expect(ownEntry(listed, 'browser')).toBe(user === 'constructor' ? epochs['browser'] : undefined);
      }
    });

    it('ids of 256 characters differing in the last, and ids canonically equivalent but not equal, are other users and tenants', async () => {
      const base = freshUser('Long');
      // é precomposed and e with a combining accent, the ångström sign and Å, the fi ligature and f i: equal only to a store that normalises.
      const ids = [`${base.padEnd(255, 'x')}a`, `${base.padEnd(255, 'x')}b`, `${base}-jos\u00e9`, `${base}-jose\u0301`, `${base}-\u212b`, `${base}-\u00c5`, `${base}-\ufb01`, `${base}-fi`];
      const rows: string[] = [];
      for (const id of ids) rows.push((await insert(store(), id, { tenantId: id })).id);
      await store().revokeAll(ids[0]!, { kinds: ['browser'], at: Date.now() });
      await store().revokeTenant!(ids[2]!, { kinds: ['browser'], at: Date.now() });
      for (const [index, id] of ids.entries()) {
        expect((await store().listByUser(id)).sessions.map((session) => [session.userId, session.tenantId])).toEqual([[id, id]]);
        const found = (await store().get(rows[index]!))!;
        const ended = (found.epochs['browser'] ?? 0) >= found.session.createdAt || (found.tenantEpochs?.['browser'] ?? 0) >= found.session.createdAt;
        expect([index, ended]).toEqual([index, index === 0 || index === 2]);
      }
    });

    it('tenants named like Object properties keep their epochs in every read of a user', async () => {
      const user = freshUser();
      const epochs = new Map<string, number>();
      for (const tenantId of OBJECT_KEYS) {
        await insert(store(), user, { tenantId });
        epochs.set(tenantId, (await store().revokeTenant!(tenantId, { kinds: ['browser'], at: Date.now() }))['browser']!);
      }
      const listed = await store().listByUser(user);
      const full = await raw().readUser(user);
      for (const tenantId of OBJECT_KEYS) {
        expect(ownEntry(ownEntry(listed.tenantEpochs ?? {}, tenantId) ?? {}, 'browser')).toBe(epochs.get(tenantId));
        expect(ownEntry(ownEntry(full.tenantEpochs, tenantId) ?? {}, 'browser')).toBe(epochs.get(tenantId));
        expect((await store().getRevocationState(freshUser('other'), tenantId)).tenantEpochs?.['browser']).toBe(epochs.get(tenantId));
      }
    });
  });
}
