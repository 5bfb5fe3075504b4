import { storeOperations } from '../../storage/index.js';
import { keyName } from '../../storage/keys.js';
import type { StoreSuiteContext } from './context.js';
import { DAY, freshUser, insert, sorted } from './fixtures.js';

const freshIssuer = (): string => `https://${freshUser('idp')}.example`;

/** Federated sign-out lookups, and one-time keys (logout-token and security-event ids) claimed once across instances. */
export function describeFederated({ describe, it, expect, store, raw, sibling }: StoreSuiteContext): void {
  describe('federated sign-out and one-time keys', () => {
    it('finds the sessions of a provider session, of a provider user and of a local user', async () => {
      const iss = freshIssuer();
      const userId = freshUser();
      const now = Date.now();
      const a = await insert(store(), userId, { federated: { iss, sub: 'alice', sid: 'sid-1' } });
      const b = await insert(store(), userId, { federated: { iss, sub: 'alice', sid: 'sid-2' } });
      const c = await insert(store(), userId, { federated: { iss, sub: 'alice' } });
      await insert(store(), userId);
      expect(await store().findFederatedLinks({ by: 'sid', iss, sid: 'sid-1' }, now)).toEqual([{ sessionId: a.id, userId, iss, sub: 'alice', sid: 'sid-1', expiresAt: a.expiresAt }]);
      expect(sorted((await store().findFederatedLinks({ by: 'sub', iss, sub: 'alice' }, now)).map((link) => link.sessionId))).toEqual(sorted([a.id, b.id, c.id]));
      expect(sorted((await store().findFederatedLinks({ by: 'user', userId }, now)).map((link) => link.sessionId))).toEqual(sorted([a.id, b.id, c.id]));
      expect((await store().findFederatedLinks({ by: 'user', userId }, now)).find((link) => link.sessionId === c.id)!.sid).toBeUndefined();
    });

    it('8 concurrent sign-ins of 8 local users through one provider identity on two servers: its logout finds all 8', async () => {
      const iss = freshIssuer();
      const other = storeOperations(await sibling());
      const users = Array.from({ length: 8 }, (_, index) => freshUser(`tenant-${index}`));
      const identity = { federated: { iss, sub: 'alice', sid: 'sid-1' } };
      const sessions = await Promise.all(users.map((userId, index) => insert(index % 2 === 0 ? store() : other, userId, identity)));
      const now = Date.now();
      const all = sorted(sessions.map((session) => session.id));
      expect(sorted((await store().findFederatedLinks({ by: 'sid', iss, sid: 'sid-1' }, now)).map((link) => link.sessionId))).toEqual(all);
      expect(sorted((await other.findFederatedLinks({ by: 'sub', iss, sub: 'alice' }, now)).map((link) => link.sessionId))).toEqual(all);
      await store().eraseUser(users[1]!, Date.now());
      expect(sorted((await store().findFederatedLinks({ by: 'sub', iss, sub: 'alice' }, now)).map((link) => link.userId))).toEqual(sorted(users.filter((_, index) => index !== 1)));
    });

    it('matches exactly: another issuer, another case, or texts split differently find nothing', async () => {
      const iss = freshIssuer();
      const userId = freshUser();
      const now = Date.now();
      const session = await insert(store(), userId, { federated: { iss: `${iss}:a`, sub: 'b:c', sid: 'x:y' } });
      expect(await store().findFederatedLinks({ by: 'sid', iss, sid: 'a:x:y' }, now)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sub', iss: `${iss}:a:b`, sub: 'c' }, now)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sub', iss: `${iss}:a`, sub: 'B:C' }, now)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sid', iss: freshIssuer(), sid: 'x:y' }, now)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sub', iss: `${iss}:a`, sub: 'x:y' }, now)).toEqual([]);
      expect((await store().findFederatedLinks({ by: 'sid', iss: `${iss}:a`, sid: 'x:y' }, now)).map((link) => link.sessionId)).toEqual([session.id]);
    });

    it('answers a session only while it has not expired', async () => {
      const iss = freshIssuer();
      const session = await insert(store(), freshUser(), { federated: { iss, sub: 'u', sid: 's' } });
      expect(await store().findFederatedLinks({ by: 'sid', iss, sid: 's' }, session.expiresAt)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sub', iss, sub: 'u' }, session.expiresAt + DAY)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sid', iss, sid: 's' }, session.expiresAt - 1)).toHaveLength(1);
    });

    it("a later, longer sign-in through a provider identity keeps it findable past the first one's end and pruning", async () => {
      const iss = freshIssuer();
      const userId = freshUser();
      const identity = { federated: { iss, sub: 'u', sid: 's' } };
      const first = await insert(store(), userId, { ...identity, maxAge: DAY });
      const later = await insert(store(), userId, { ...identity, maxAge: 3 * DAY });
      // A put replaces the key's expiry too: kept at the first's, prune would delete the key under the later session.
      const now = first.expiresAt + DAY;
      await store().prune({ now, limit: 1_000 });
      expect((await store().findFederatedLinks({ by: 'sid', iss, sid: 's' }, now)).map((link) => link.sessionId)).toEqual([later.id]);
    });

    it("erasing a user deletes that user's federated sessions and their keys only", async () => {
      const iss = freshIssuer();
      const [erased, kept] = [freshUser(), freshUser()];
      const now = Date.now();
      await insert(store(), erased, { federated: { iss, sub: 'erased', sid: 's1' } });
      const two = await insert(store(), kept, { federated: { iss, sub: 'kept', sid: 's2' } });
      // As the manager erases: its sign-out everywhere first (a session still live at the erase keeps its provider's keys).
      await store().revokeAll(erased, { kinds: ['browser'], everyStoredKind: true, at: Date.now() });
      await store().eraseUser(erased, Date.now());
      expect(await store().findFederatedLinks({ by: 'user', userId: erased }, now)).toEqual([]);
      expect(await store().findFederatedLinks({ by: 'sid', iss, sid: 's1' }, now)).toEqual([]);
      expect((await raw().readKey(keyName('fsid', iss, 's1'))).value ?? '').not.toContain(erased);
      expect((await store().findFederatedLinks({ by: 'sid', iss, sid: 's2' }, now)).map((link) => link.sessionId)).toEqual([two.id]);
    });

    it('claims a key once: a replay, here or on another instance, is not new; pruning keeps it until it runs out', async () => {
      const other = storeOperations(await sibling());
      const until = Date.now() + 10 * 60_000;
      const key = keyName('test', freshIssuer(), 'jti-1');
      expect(await store().claimKey(key, until)).toBe(true);
      expect(await store().claimKey(key, until)).toBe(false);
      expect(await other.claimKey(key, until)).toBe(false);
      expect(await other.claimKey(keyName('test', freshIssuer(), 'jti-1'), until)).toBe(true);
      await store().prune({ now: Date.now(), limit: 1_000 });
      expect(await store().claimKey(key, until)).toBe(false);
      await store().prune({ now: until, limit: 1_000 });
      expect(await store().claimKey(key, until + 60_000)).toBe(true);
    });

    it('puts a key over a claim or none, for every instance, until it runs out', async () => {
      const other = storeOperations(await sibling());
      const until = Date.now() + 10 * 60_000;
      const [put, claimed] = [keyName('test', freshIssuer(), 'put'), keyName('test', freshIssuer(), 'claimed')];
      expect(await store().claimKey(claimed, until, 'first')).toBe(true);
      expect([await other.keyValue(claimed), await other.keyValue(put)]).toEqual(['first', undefined]);
      await other.putKey(put, 'a', until);
      await store().putKey(claimed, 'done', until);
      expect([await store().keyValue(put), await other.keyValue(claimed), await other.claimKey(put, until)]).toEqual(['a', 'done', false]);
      await store().prune({ now: until, limit: 1_000 });
      expect([await other.keyValue(put), await store().keyValue(claimed)]).toEqual([undefined, undefined]);
    });

    it('of concurrent claims of one key, exactly one answers new', async () => {
      const other = storeOperations(await sibling());
      const key = keyName('test', freshIssuer(), 'raced');
      const until = Date.now() + 10 * 60_000;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? store() : other).claimKey(key, until)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('a key is answered as stored until prune deletes it, however long ago it ran out (no clock of the store ends it), and prune deletes it at its expiry, not 1 ms before', async () => {
      const key = keyName('test', freshIssuer(), 'ran-out');
      const until = Date.now() - 60 * 60_000;
      expect(await store().claimKey(key, until, 'first')).toBe(true);
      expect(await raw().readKey(key)).toEqual({ version: 1, value: 'first', expiresAt: until });
      expect(await store().claimKey(key, until)).toBe(false);
      await store().prune({ now: until - 1, limit: 1_000 });
      expect((await raw().readKey(key)).value).toBe('first');
      await store().prune({ now: until, limit: 1_000 });
      expect(await raw().readKey(key)).toEqual({ version: 0 });
    });
  });
}
