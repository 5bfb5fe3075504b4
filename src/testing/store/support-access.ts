import { createSessionManager } from '../../manager/index.js';
import type { CreatedSession, SessionManager } from '../../manager/api.js';
import type { StoreSuiteContext } from './context.js';
import { freshUser, SECRET } from './fixtures.js';

/** The admin of a test: a session in the admin's own organization. */
interface Admin {
  readonly id: string;
  readonly tenantId: string;
  readonly own: CreatedSession;
}

/** Every way an admin's session ends; each must end the support access it started. */
const ENDINGS: ReadonlyArray<readonly [string, (sessions: SessionManager, admin: Admin) => Promise<unknown>]> = [
  ['signed out everywhere (every kind)', (sessions, admin) => sessions.revokeAll(admin.id, { kinds: 'all' })],
  ['signed out everywhere (browser sessions)', (sessions, admin) => sessions.revokeAll(admin.id)],
  ['signed out of the device that started it', (sessions, admin) => sessions.signOut(admin.own.session)],
  ['revoked by id', (sessions, admin) => sessions.revoke(admin.own.session.id)],
  ['password reset', (sessions, admin) => sessions.passwordReset(admin.id)],
  ['changing their password on another device', async (sessions, admin) => sessions.passwordChanged(admin.id, { currentSessionId: (await sessions.create({ userId: admin.id, tenantId: admin.tenantId })).session.id })],
  ['erased', (sessions, admin) => sessions.eraseUser(admin.id)],
  ['in a bulk sign-out', (sessions, admin) => sessions.revokeUsers([admin.id])],
  ["in a bulk sign-out of the admin's organization", (sessions, admin) => sessions.revokeUsers([admin.id], { tenantId: admin.tenantId })],
  ["signed out of the admin's organization", (sessions, admin) => sessions.revokeAll(admin.id, { kinds: 'all', tenantId: admin.tenantId })],
  ["in a tenant-wide sign-out of the admin's organization", (sessions, admin) => sessions.revokeTenant(admin.tenantId, { kinds: 'all' })],
];

/** Support access ends with the admin's session that started it, for every reader and its access tokens. */
export function describeSupportAccess({ describe, it, expect, raw, sibling }: StoreSuiteContext): void {
  describe('support access ends with its impersonator', () => {
    for (const [ending, end] of ENDINGS) {
      it(`a support session is refused once its admin is ${ending}, here and on another instance`, async () => {
        const sessions = createSessionManager({ store: raw(), accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
        const other = createSessionManager({ store: await sibling(), accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
        const [adminId, tenantId] = [freshUser('admin'), freshUser('staff')];
        const admin: Admin = { id: adminId, tenantId, own: await sessions.create({ userId: adminId, tenantId }) };
        const userId = freshUser();
        // The user's organization, not the admin's: the support session must end all the same.
        const support = await sessions.impersonate(admin.own.session, userId, { ttl: 24 * 60 * 60 * 1000, tenantId: freshUser('customer') });
        const untouched = await sessions.create({ userId });
        const jwt = await sessions.issueAccessToken(support.session);
        expect((await other.validate(support.token)).ok).toBe(true);
        expect((await other.verifyAccessToken(jwt)).ok).toBe(true);
        await end(sessions, admin);
        for (const manager of [sessions, other]) {
          expect(await manager.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
          expect((await manager.list(userId)).map((view) => view.id)).toEqual([untouched.session.id]);
          expect(await manager.liveness(support.session.id)).toEqual({ live: false, reason: 'revoked' });
          expect(await manager.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
        }
        // The user's own session is not the admin's: it stays.
        expect((await other.validate(untouched.token)).ok).toBe(true);
      });
    }

    it("a support session stays while the admin's session lives, and keeps its own link to it", async () => {
      const sessions = createSessionManager({ store: raw() });
      const adminId = freshUser('admin');
      const admin = await sessions.create({ userId: adminId });
      const other = await sessions.create({ userId: adminId, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' });
      const support = await sessions.impersonate(admin.session, freshUser());
      // Another device of the admin ending is not the one that started it.
      await sessions.signOut(other.session);
      expect((await sessions.validate(support.token)).ok).toBe(true);
      const stored = await sessions.store.get(support.session.id);
      expect([stored?.session.impersonatorId, stored?.session.impersonatorSessionId]).toEqual([adminId, admin.session.id]);
    });
  });
}
