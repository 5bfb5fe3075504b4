import { describe, expect, it } from 'vitest';
import { sessionHandler } from '../../adapters/fetch/index.js';
import { createSessionManager, memoryStore, type UserSessionInvalidatedEvent } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';

const SECRET = 'support-ended-credential-change-secret-01';

// A support session that ended (its admin signed out) between the request's check and the change still made the change:
// it ends that tenant's sessions only and names the admin, as a live one's change does.
describe('a support session ended while its request reports an email change', () => {
  it("still ends the acting tenant's sessions only", async () => {
    const clock = new TestClock();
    const sessions = createSessionManager({ store: memoryStore(), clock: clock.read, accessTokens: { secret: SECRET, ttl: 30 * MINUTE }, epochCacheTtl: 0 });
    const inGlobex = await sessions.create({ userId: 'ada', tenantId: 'globex', userAgent: UA.safariIphone });
    const admin = await sessions.create({ userId: 'acme-admin', tenantId: 'acme', userAgent: UA.chromeMac });
    const support = await sessions.impersonate(admin.session, 'ada', { tenantId: 'acme' });
    const jwt = await sessions.issueAccessToken(support.session);
    const events: UserSessionInvalidatedEvent[] = [];
    sessions.on('user.session_invalidated', (event) => void events.push(event));
    const response = await sessionHandler(sessions, { accessTokens: true })(async (_request, s) => {
      // The admin signs out in another tab while this request runs: the support session ends with it.
      await sessions.signOut(admin.session);
      await s.emailChanged();
      return new Response('ok');
    })(new Request('http://localhost/settings/email', { method: 'POST', headers: { authorization: `Bearer ${jwt}` } }));
    expect(response.status).toBe(200);
    expect(events.map((event) => [event.tenantId, event.by])).toEqual([['acme', 'acme-admin']]);
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
  });
});
