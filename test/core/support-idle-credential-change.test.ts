import { describe, expect, it } from 'vitest';
import { sessionHandler } from '../../adapters/fetch/index.js';
import { createSessionManager, memoryStore, type UserSessionInvalidatedEvent } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';

const SECRET = 'support-idle-credential-change-secret-0123';

// Access tokens never touch their session, so a support session acting through one goes idle while its tokens still work.
// A credential change it reports is still its impersonator's, in its one tenant.
describe('a support session that went idle while its access token acts', () => {
  async function setUp() {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, idleTimeout: 10 * MINUTE, accessTokens: { secret: SECRET, ttl: 30 * MINUTE }, epochCacheTtl: 0 });
    const inGlobex = await sessions.create({ userId: 'ada', tenantId: 'globex', userAgent: UA.safariIphone });
    const admin = await sessions.create({ userId: 'acme-admin', tenantId: 'acme', userAgent: UA.chromeMac });
    const support = await sessions.impersonate(admin.session, 'ada', { tenantId: 'acme' });
    const jwt = await sessions.issueAccessToken(support.session);
    // Ada's own session and the admin's stay in use; the support session is used only through its token.
    for (const step of [6, 6]) {
      clock.advance(step * MINUTE);
      for (const token of [inGlobex.token, admin.token]) expect((await sessions.validate(token)).ok).toBe(true);
    }
    expect((await sessions.validate(support.token, { touch: false })).ok).toBe(false);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    return { sessions, inGlobex, support, jwt };
  }

  it("its email change over a Bearer token leaves the user's other organization signed in", async () => {
    const { sessions, inGlobex, jwt } = await setUp();
    const withSessions = sessionHandler(sessions, { accessTokens: true });
    const response = await withSessions(async (_request, s) => {
      await s.emailChanged();
      return new Response('ok');
    })(new Request('http://localhost/settings/email', { method: 'POST', headers: { authorization: `Bearer ${jwt}` } }));
    expect(response.status).toBe(200);
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(false);
  });

  it('its password change, reported to the manager, names the admin and stays in acme', async () => {
    const { sessions, inGlobex, support } = await setUp();
    const events: UserSessionInvalidatedEvent[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(event));
    await sessions.passwordChanged('ada', { currentSessionId: support.session.id });
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect(events.map((event) => [event.tenantId, event.by])).toEqual([['acme', 'acme-admin']]);
  });
});
