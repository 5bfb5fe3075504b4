import { createSessionManager } from '../../manager/index.js';
import type { SessionManager } from '../../manager/api.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser } from './fixtures.js';

/** The ways an admin's sessions end by revocation; each must end the support access they started. */
const ENDINGS: ReadonlyArray<readonly [string, (sessions: SessionManager, adminId: string) => Promise<unknown>]> = [
  ['signed out everywhere (every kind)', (sessions, adminId) => sessions.revokeAll(adminId, { kinds: 'all' })],
  ['signed out everywhere (browser sessions)', (sessions, adminId) => sessions.revokeAll(adminId)],
  ['password reset', (sessions, adminId) => sessions.passwordReset(adminId)],
  ['erased', (sessions, adminId) => sessions.eraseUser(adminId)],
  ['in a bulk sign-out', (sessions, adminId) => sessions.revokeUsers([adminId])],
];

/**
 * Support access (`impersonate`) ends with its impersonator: whenever the admin's sessions end
 * by revocation, the support sessions they started are refused, on this instance and another.
 */
export function describeSupportAccess({ runner, store, sibling }: StoreSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('support access ends with its impersonator', () => {
    for (const [ending, end] of ENDINGS) {
      it(`a support session is refused once its admin is ${ending}, here and on another instance`, async () => {
        const sessions = createSessionManager({ store: store() });
        const other = createSessionManager({ store: await sibling() });
        const adminId = freshUser('admin');
        const userId = freshUser();
        const admin = await sessions.create({ userId: adminId });
        const support = await sessions.impersonate(admin.session, userId, { ttl: 24 * 60 * 60 * 1000 });
        const untouched = await sessions.create({ userId });
        expect((await other.validate(support.token)).ok).toBe(true);
        await end(sessions, adminId);
        for (const manager of [sessions, other]) {
          expect(await manager.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
          expect((await manager.list(userId)).map((view) => view.id)).toEqual([untouched.session.id]);
          expect(await manager.liveness(support.session.id)).toEqual({ live: false, reason: 'revoked' });
        }
        // The user's own session is not the admin's: it stays.
        expect((await other.validate(untouched.token)).ok).toBe(true);
      });
    }

  });
}
