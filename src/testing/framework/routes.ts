import { BROWSERS, NOT_SNIFFED, NOT_STORED } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';


/** The JSON session routes: list, revoke one, sign out, sign out others, sign out everywhere. */
export function describeRoutes({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('session routes', () => {
    it('GET /sessions lists the live sessions of the user, this one first, never cached', async () => {
      const [phone, laptop] = await scenario().signedInOn('alice', BROWSERS.safariIphone, BROWSERS.chromeMac);
      await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      const reply = await laptop.request('/sessions');
      expectReply(reply, 200, { headers: { ...NOT_STORED, ...NOT_SNIFFED } });
      const views = reply.json as { id: string; current: boolean; deviceLabel: string }[];
      expect(views).toHaveLength(2);
      expect([views[0]?.id, views[0]?.current, views[0]?.deviceLabel]).toEqual([laptop.sessionId, true, 'Chrome on Mac OS']);
      expect([views[1]?.id, views[1]?.current, views[1]?.deviceLabel]).toEqual([phone.sessionId, false, 'Safari on iOS']);
    });

    it('GET /sessions says a session came from an identity provider, never the provider\'s issuer, subject or session id', async () => {
      const identity = { iss: 'https://idp-issuer.example/tenant-7', sub: 'idp-subject-248', sid: 'idp-session-991' };
      const laptop = await scenario().deviceWith({ userId: 'alice', userAgent: BROWSERS.chromeMac, federated: identity });
      const phone = await scenario().signedIn('alice', BROWSERS.safariIphone);
      const reply = await laptop.request('/sessions');
      expect(reply.status).toBe(200);
      for (const id of Object.values(identity)) expect(reply.body).not.toContain(id);
      const views = reply.json as Array<{ id: string; federated?: unknown }>;
      expect(views.map((view) => [view.id, view.federated])).toEqual([[laptop.sessionId, true], [phone.sessionId, undefined]]);
    });

    it('DELETE /sessions/:id signs out that device only', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expect((await laptop.request(`/sessions/${phone.sessionId}`, { method: 'DELETE' })).status).toBe(204);
      expect(await meStatuses(phone, laptop)).toEqual(['session_revoked', 200]);
      const views = (await laptop.request('/sessions')).json as { id: string }[];
      expect(views.map((view) => view.id)).toEqual([laptop.sessionId]);
    });

    it('DELETE of this device\'s own session is a sign-out: the cookie cleared, every device signed out under the global-logout policy', async () => {
      scenario().policy.globalLogout = true;
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expectReply(await laptop.request(`/sessions/${laptop.sessionId}`, { method: 'DELETE' }), 204, { clearsCookie: true });
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 'session_revoked']);
    });

    it('another user\'s session id, and one with an encoded slash, give 404, and revoke nothing', async () => {
      const alice = await scenario().signedIn('alice');
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      // Unknown and malformed ids are tested in test/http; the encoded slash is for the router.
      for (const id of [bob.sessionId, '..%2F..%2Fx']) expectReply(await alice.request(`/sessions/${id}`, { method: 'DELETE' }), 404, { json: { error: 'not_found' } });
      expect((await bob.request('/api/me')).status).toBe(200);
    });

    it('POST /sessions/sign-out signs out this device only and clears the cookie', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expectReply(await laptop.request('/sessions/sign-out', { method: 'POST' }), 200, { json: { global: false }, headers: NOT_STORED, clearsCookie: true });
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 200]);
    });

    it('POST /sessions/sign-out-others keeps this device and signs out the rest', async () => {
      const [laptop, phone, desktop] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone, BROWSERS.firefoxWindows);
      expectReply(await laptop.request('/sessions/sign-out-others', { method: 'POST' }), 200, { json: { revoked: 2 } });
      expect(await meStatuses(laptop, phone, desktop)).toEqual([200, 'session_revoked', 'session_revoked']);
    });

    it('POST /sessions/sign-out-everywhere signs out every device, this one too, and a fresh sign-in works at once', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      expectReply(await laptop.request('/sessions/sign-out-everywhere', { method: 'POST' }), 204, { clearsCookie: true });
      expect(await meStatuses(laptop, phone, bob)).toEqual(['session_revoked', 'session_revoked', 200]);
      await laptop.signIn('alice');
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a path under the prefix that no route serves is the app\'s 404, whatever body type it carries', async () => {
      const laptop = await scenario().signedIn('alice');
      for (const type of ['application/json', 'application/x-protobuf']) {
        expect((await laptop.request('/sessions/a/b', { method: 'POST', headers: { 'content-type': type }, body: '{}' })).status).toBe(404);
      }
    });

    it('every route needs a session', async () => {
      const anonymous = scenario();
      expect((await anonymous.request('/sessions')).status).toBe(401);
      expectReply(await anonymous.request('/sessions/sign-out-everywhere', { method: 'POST' }), 401, { json: { error: 'unauthenticated' } });
      expect((await anonymous.request('/sessions/AAAAAAAAAAAAAAAAAAAAAA', { method: 'DELETE' })).status).toBe(401);
    });

    it('state-changing routes answer GET with 405 and Allow', async () => {
      const laptop = await scenario().signedIn('alice');
      expectReply(await laptop.request('/sessions/sign-out-everywhere'), 405, { headers: { allow: 'POST' } });
      expectReply(await laptop.request(`/sessions/${laptop.sessionId}`), 405, { headers: { allow: 'DELETE' } });
      expectReply(await laptop.request('/sessions', { method: 'POST' }), 405, { headers: { allow: 'GET, HEAD' } });
      expectReply(await laptop.request('/sessions', { method: 'HEAD' }), 200, { body: '' });
      // Every route and method is tested in test/http; these are methods a framework may route apart.
      for (const method of ['PUT', 'OPTIONS']) {
        expectReply(await laptop.request('/sessions/sign-out-everywhere', { method }), 405, { headers: { allow: 'POST', ...NOT_STORED } });
      }
      expect((await laptop.request('/api/me')).status).toBe(200);
    });
  });
}
