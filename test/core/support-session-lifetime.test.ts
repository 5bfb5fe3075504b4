import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreatedSession, type SessionManager, type SessionStore } from '../../src/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { HOUR, TestClock } from '../support/clock.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

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

describe('support access ends with its impersonator', () => {
  for (const [ending, end] of ENDINGS) {
    it(`a support session is refused once its admin is ${ending}, here and on another instance`, async () => {
      const store = memoryStore();
      const sessions = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
      const other = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
      const admin: Admin = { id: 'root', tenantId: 'staff', own: await sessions.create({ userId: 'root', tenantId: 'staff' }) };
      // The user's organization, not the admin's: the support session must end all the same.
      const support = await sessions.impersonate(admin.own.session, 'ada', { ttl: 24 * HOUR, tenantId: 'customer' });
      const untouched = await sessions.create({ userId: 'ada' });
      const jwt = await sessions.issueAccessToken(support.session);
      expect((await other.validate(support.token)).ok).toBe(true);
      expect((await other.verifyAccessToken(jwt)).ok).toBe(true);
      await end(sessions, admin);
      for (const manager of [sessions, other]) {
        expect(await manager.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
        expect((await manager.list('ada')).map((view) => view.id)).toEqual([untouched.session.id]);
        expect(await manager.liveness(support.session.id)).toEqual({ live: false, reason: 'revoked' });
        expect(await manager.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
      }
      // The user's own session is not the admin's: it stays.
      expect((await other.validate(untouched.token)).ok).toBe(true);
    });
  }
});

// A support session lasts exactly as long as the admin session that started it is live, however
// that session ends; the admin being busy in the support session does not end it.
describe("a support session's lifetime follows its admin's session", () => {
  let idp: TestIssuer;
  beforeAll(async () => {
    idp = await startTestIssuer();
  });
  afterAll(() => idp.close());

  it("ends when the identity provider signs the admin out (back-channel logout of the admin's sign-in)", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'root', federated: { iss: idp.issuer, sub: 'root-at-idp', sid: 'idp-session-1' } });
    const support = await sessions.impersonate(admin.session, 'ada');
    expect((await sessions.validate(support.token)).ok).toBe(true);
    const logout = await sessions.backchannelLogout(await idp.logoutToken({ sub: 'root-at-idp', sid: 'idp-session-1' }), { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });
    expect(logout).toMatchObject({ ok: true, revokedIds: [admin.session.id] });
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("does not end when the admin's own session goes idle, or when the admin's other devices end", async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, kinds: { browser: { idleTimeout: HOUR } } });
    const admin = await sessions.create({ userId: 'root' });
    const phone = await sessions.create({ userId: 'root', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' });
    const support = await sessions.impersonate(admin.session, 'ada', { ttl: 4 * HOUR });
    await sessions.signOut(phone.session);
    for (let hour = 0; hour < 3; hour += 1) {
      clock.advance(HOUR - 1);
      expect((await sessions.validate(support.token)).ok).toBe(true);
    }
    expect(await sessions.validate(admin.token)).toEqual({ ok: false, reason: 'idle' });
    // Until its own lifetime ends.
    clock.advance(2 * HOUR);
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each(['impersonatorSessionId', 'impersonatorId'] as const)('never lets in a support session on a store that does not keep its %s', async (field) => {
    const inner = memoryStore();
    const forgetful: SessionStore = {
      ...inner,
      apply: (batch) =>
        inner.apply({
          ...batch,
          writes: batch.writes.map((write) => {
            if (write.type !== 'insert') return write;
            const { [field]: _dropped, ...session } = write.session;
            return { ...write, session };
          }),
        }),
    };
    const sessions = createSessionManager({ store: forgetful });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.list('ada')).toEqual([]);
  });

  it('refuses a support session read without its link (a store that drops it on reads, a row of an earlier release)', async () => {
    const inner = memoryStore();
    const strip = <T extends { impersonatorSessionId?: string }>(record: T): T => ({ ...record, impersonatorSessionId: undefined });
    const dropsOnRead = {
      ...inner,
      get: async (sessionId: string) => {
        const found = await inner.get(sessionId);
        return found === null ? null : { ...found, session: strip(found.session) };
      },
      readUser: async (userId: string, tenantId?: string, sessionId?: string | null) => {
        const answer = await inner.readUser(userId, tenantId, sessionId);
        return { ...answer, sessions: answer.sessions.map(strip) };
      },
    };
    const sessions = createSessionManager({ store: dropsOnRead });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.list('ada')).toEqual([]);
  });

  it("never outlives the admin's session: its lifetime ends with the admin session's, and so does an open page's timer", async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, kinds: { browser: { maxAge: 2 * HOUR } } });
    const admin = await sessions.create({ userId: 'root' });
    clock.advance(HOUR + 50 * 60_000);
    const support = await sessions.impersonate(admin.session, 'ada', { ttl: HOUR });
    expect(support.session.expiresAt).toBe(admin.session.expiresAt);
    expect(await sessions.liveness(support.session.id)).toEqual({ live: true, remaining: 10 * 60_000 });
    clock.advance(10 * 60_000);
    expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('verifies a support session\'s access token whatever the idle timeout, as every token (using one never touches its session)', async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({
      store: memoryStore(),
      clock: clock.read,
      kinds: { impersonation: { idleTimeout: 60_000 } },
      accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!', ttl: 5 * 60_000 },
    });
    const admin = await sessions.create({ userId: 'root' });
    const support = await sessions.impersonate(admin.session, 'ada');
    const jwt = await sessions.issueAccessToken(support.session);
    clock.advance(2 * 60_000);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    await sessions.signOut(admin.session);
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });
});
