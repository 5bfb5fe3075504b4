import { keepsFederated, federatedMethodCount } from '../../federated/capability.js';
import type { FederatedStore } from '../../store-capabilities/federated.js';
import type { SessionStore } from '../../store.js';
import { skipTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { DAY, freshUser, insert } from './fixtures.js';

// The capability is all or nothing: a store has every method or none.
function federated(store: SessionStore): (SessionStore & FederatedStore) | undefined {
  const { present, total } = federatedMethodCount(store);
  if (present !== 0 && present !== total) throw new Error(`The store has ${present} of the ${total} federated sign-out methods: all or none.`);
  return keepsFederated(store) ? store : undefined;
}

let issuers = 0;
// An issuer unique to this run, so stores sharing a server between runs never see another run's links.
const freshIssuer = (): string => `https://idp-${process.pid}-${Date.now().toString(36)}-${++issuers}.example`;

const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/**
 * Federated sign-out (stores with the capability): links found by provider session, by
 * provider user and by local user, exact matching, expiry, erase, pruning, and the logout-token
 * replay guard answering "new" exactly once across instances, and releasing a token at once.
 */
export function describeFederated({ runner, store, sibling }: StoreSuiteContext): void {
  const { describe, expect } = runner;
  // Each test, on a store without the capability: reported skipped where the runner can skip.
  const it = (name: string, body: (s: SessionStore & FederatedStore) => Promise<void>): void =>
    runner.it(name, (...args: unknown[]) => {
      const s = federated(store());
      return s === undefined ? skipTest(args[0], 'the store has no federated sign-out capability (FederatedStore)') : body(s);
    });
  describe('federated sign-out', () => {
    it('finds the links of a provider session, of a provider user and of a local user', async (s) => {
      const iss = freshIssuer();
      const userId = freshUser();
      const now = Date.now();
      const a = await insert(s, userId);
      const b = await insert(s, userId);
      const c = await insert(s, userId);
      await s.saveFederatedLink({ sessionId: a.id, userId, iss, sub: 'alice', sid: 'sid-1', expiresAt: a.expiresAt });
      await s.saveFederatedLink({ sessionId: b.id, userId, iss, sub: 'alice', sid: 'sid-2', expiresAt: b.expiresAt });
      await s.saveFederatedLink({ sessionId: c.id, userId, iss, sub: 'alice', expiresAt: c.expiresAt });
      const bySid = await s.findFederatedLinks({ by: 'sid', iss, sid: 'sid-1' }, now);
      expect(bySid).toEqual([{ sessionId: a.id, userId, iss, sub: 'alice', sid: 'sid-1', expiresAt: a.expiresAt }]);
      expect(sorted((await s.findFederatedLinks({ by: 'sub', iss, sub: 'alice' }, now)).map((link) => link.sessionId))).toEqual(sorted([a.id, b.id, c.id]));
      expect(sorted((await s.findFederatedLinks({ by: 'user', userId }, now)).map((link) => link.sessionId))).toEqual(sorted([a.id, b.id, c.id]));
      const withoutSid = (await s.findFederatedLinks({ by: 'user', userId }, now)).find((link) => link.sessionId === c.id)!;
      expect(withoutSid.sid).toBeUndefined();
    });

    it('matches exactly: another issuer, another case, or texts split differently find nothing', async (s) => {
      const iss = freshIssuer();
      const userId = freshUser();
      const now = Date.now();
      const session = await insert(s, userId);
      await s.saveFederatedLink({ sessionId: session.id, userId, iss: `${iss}:a`, sub: 'b:c', sid: 'x:y', expiresAt: session.expiresAt });
      expect(await s.findFederatedLinks({ by: 'sid', iss, sid: 'a:x:y' }, now)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sub', iss: `${iss}:a:b`, sub: 'c' }, now)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sub', iss: `${iss}:a`, sub: 'B:C' }, now)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sid', iss: freshIssuer(), sid: 'x:y' }, now)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sub', iss: `${iss}:a`, sub: 'x:y' }, now)).toEqual([]);
      expect((await s.findFederatedLinks({ by: 'sid', iss: `${iss}:a`, sid: 'x:y' }, now)).map((link) => link.sessionId)).toEqual([session.id]);
    });

    it('answers a link only while its session has not expired', async (s) => {
      const iss = freshIssuer();
      const userId = freshUser();
      const session = await insert(s, userId);
      await s.saveFederatedLink({ sessionId: session.id, userId, iss, sub: 'u', sid: 's', expiresAt: session.expiresAt });
      expect(await s.findFederatedLinks({ by: 'sid', iss, sid: 's' }, session.expiresAt)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sub', iss, sub: 'u' }, session.expiresAt + DAY)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sid', iss, sid: 's' }, session.expiresAt - 1)).toHaveLength(1);
    });

    it('saving a session again replaces its link', async (s) => {
      const iss = freshIssuer();
      const userId = freshUser();
      const now = Date.now();
      const session = await insert(s, userId);
      await s.saveFederatedLink({ sessionId: session.id, userId, iss, sub: 'u', sid: 'old', expiresAt: session.expiresAt });
      await s.saveFederatedLink({ sessionId: session.id, userId, iss, sub: 'u', sid: 'new', expiresAt: session.expiresAt });
      expect(await s.findFederatedLinks({ by: 'sid', iss, sid: 'old' }, now)).toEqual([]);
      expect(await s.findFederatedLinks({ by: 'sid', iss, sid: 'new' }, now)).toHaveLength(1);
      expect(await s.findFederatedLinks({ by: 'user', userId }, now)).toHaveLength(1);
    });

    it('erasing a user deletes that user\'s links only; pruning keeps live links', async (s) => {
      const iss = freshIssuer();
      const [erased, kept] = [freshUser(), freshUser()];
      const now = Date.now();
      const one = await insert(s, erased);
      const two = await insert(s, kept);
      await s.saveFederatedLink({ sessionId: one.id, userId: erased, iss, sub: 'same', sid: 's1', expiresAt: one.expiresAt });
      await s.saveFederatedLink({ sessionId: two.id, userId: kept, iss, sub: 'same', sid: 's2', expiresAt: two.expiresAt });
      await s.eraseFederatedLinks(erased);
      expect(await s.findFederatedLinks({ by: 'user', userId: erased }, now)).toEqual([]);
      expect((await s.findFederatedLinks({ by: 'sub', iss, sub: 'same' }, now)).map((link) => link.sessionId)).toEqual([two.id]);
      expect(await s.pruneFederated(now, 1_000)).toBeGreaterThanOrEqual(0);
      expect((await s.findFederatedLinks({ by: 'sid', iss, sid: 's2' }, now)).map((link) => link.sessionId)).toEqual([two.id]);
    });

    it('remembers a logout token once: a replay, here or on another instance, is not new', async (s) => {
      const other = federated(await sibling())!;
      const iss = freshIssuer();
      const until = Date.now() + 10 * 60_000;
      expect(await s.rememberLogoutToken(iss, 'jti-1', until)).toBe(true);
      expect(await s.rememberLogoutToken(iss, 'jti-1', until)).toBe(false);
      expect(await other.rememberLogoutToken(iss, 'jti-1', until)).toBe(false);
      // The same id from another issuer is another token.
      expect(await other.rememberLogoutToken(freshIssuer(), 'jti-1', until)).toBe(true);
      // Pruning forgets only what is past its window.
      await s.pruneFederated(Date.now(), 1_000);
      expect(await s.rememberLogoutToken(iss, 'jti-1', until)).toBe(false);
    });

    it('forgets a logout token at once, for every instance, so it can be claimed again', async (s) => {
      const other = federated(await sibling())!;
      const iss = freshIssuer();
      const until = Date.now() + 10 * 60_000;
      expect(await s.rememberLogoutToken(iss, 'released', until)).toBe(true);
      expect(await s.rememberLogoutToken(iss, 'kept', until)).toBe(true);
      await other.forgetLogoutToken(iss, 'released');
      expect(await s.rememberLogoutToken(iss, 'released', until)).toBe(true);
      expect(await other.rememberLogoutToken(iss, 'released', until)).toBe(false);
      // Forgetting what is not remembered does nothing.
      await s.forgetLogoutToken(iss, 'never');
      await s.forgetLogoutToken(freshIssuer(), 'kept');
      expect(await other.rememberLogoutToken(iss, 'kept', until)).toBe(false);
    });

    it('of concurrent calls with one token, exactly one answers new', async (s) => {
      const other = federated(await sibling())!;
      const iss = freshIssuer();
      const until = Date.now() + 10 * 60_000;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? s : other).rememberLogoutToken(iss, 'raced', until)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    });
  });
}
