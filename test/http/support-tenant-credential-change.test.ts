import { describe, expect, it } from 'vitest';
import { sessionHandler } from '../../adapters/fetch/index.js';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { UA } from '../support/clock.js';

// A support session with a tenant acts in that tenant only: the user's other organizations are
// not its admin's to see or end, whichever of the user's routes it calls.
describe('a support session with a tenant, on its own requests', () => {
  async function setUp() {
    const sessions = createSessionManager({ store: memoryStore() });
    // Ada belongs to two organizations; acme's admin may act as her in acme only.
    const inAcme = await sessions.create({ userId: 'ada', tenantId: 'acme', userAgent: UA.chromeMac });
    const inGlobex = await sessions.create({ userId: 'ada', tenantId: 'globex', userAgent: UA.safariIphone });
    const admin = await sessions.create({ userId: 'acme-admin', tenantId: 'acme', userAgent: UA.chromeMac });
    const support = await sessions.impersonate(admin.session, 'ada', { tenantId: 'acme' });
    const withSessions = sessionHandler(sessions);
    const post = (path: string, act: (s: Parameters<Parameters<typeof withSessions>[0]>[1]) => Promise<unknown>) =>
      withSessions(async (_request, s) => {
        await act(s);
        return new Response('ok');
      })(new Request(`http://localhost${path}`, { method: 'POST', headers: { cookie: `session=${support.token}`, 'sec-fetch-site': 'same-origin' } }));
    return { sessions, inAcme, inGlobex, post };
  }

  it("its 'sign out everywhere' ends only acme's sessions", async () => {
    const { sessions, inGlobex, post } = await setUp();
    await post('/sessions/sign-out-everywhere', (s) => s.signOutEverywhere());
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
  });

  it("its email change (support fixing the user's address) leaves the user's other organization signed in", async () => {
    const { sessions, inGlobex, post } = await setUp();
    // The app's "change email" handler, after saving the address, as docs/security-page.md shows it.
    await post('/settings/email', (s) => s.emailChanged());
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
  });

  it("its password change leaves the user's other organization signed in, and ends acme's", async () => {
    const { sessions, inAcme, inGlobex, post } = await setUp();
    await post('/settings/password', (s) => s.passwordChanged());
    expect((await sessions.validate(inGlobex.token)).ok).toBe(true);
    expect((await sessions.validate(inAcme.token)).ok).toBe(false);
  });
});
