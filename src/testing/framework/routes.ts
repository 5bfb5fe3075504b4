import { BROWSERS } from './client.js';
import type { FrameworkSuiteContext } from './context.js';
import { clearsCookie } from './revocation.js';

/** The JSON session routes: list, revoke one, sign out, sign out others, sign out everywhere. */
export function describeRoutes({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('session routes', () => {
    it('GET /sessions lists the live sessions of the user, this one first, never cached', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      const stranger = scenario().device(BROWSERS.firefoxWindows);
      await phone.signIn('alice');
      await laptop.signIn('alice');
      await stranger.signIn('bob');
      const reply = await laptop.request('/sessions');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const views = reply.json as { id: string; current: boolean; deviceLabel: string }[];
      expect(views).toHaveLength(2);
      expect(views[0]?.id).toBe(laptop.sessionId);
      expect(views[0]?.current).toBe(true);
      expect(views[0]?.deviceLabel).toBe('Chrome on Mac OS');
      expect(views[1]?.id).toBe(phone.sessionId);
      expect(views[1]?.current).toBe(false);
      expect(views[1]?.deviceLabel).toBe('Safari on iOS');
    });

    it('GET /sessions says a session came from an identity provider, never the provider\'s issuer, subject or session id', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      const identity = { iss: 'https://idp-issuer.example/tenant-7', sub: 'idp-subject-248', sid: 'idp-session-991' };
      // Made through the manager: the suite's apps take no federated input.
      laptop.holdToken((await scenario().sessions.create({ userId: 'alice', userAgent: laptop.userAgent, federated: identity })).token);
      await phone.signIn('alice');
      const reply = await laptop.request('/sessions');
      expect(reply.status).toBe(200);
      for (const id of Object.values(identity)) expect(reply.body).not.toContain(id);
      const views = reply.json as Array<{ id: string; federated?: unknown }>;
      expect(views.map((view) => [view.id, view.federated])).toEqual([
        [laptop.sessionId, true],
        [phone.sessionId, undefined],
      ]);
    });

    it('DELETE /sessions/:id signs out that device only', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      const reply = await laptop.request(`/sessions/${phone.sessionId}`, { method: 'DELETE' });
      expect(reply.status).toBe(204);
      expect((await phone.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await laptop.request('/api/me')).status).toBe(200);
      const views = (await laptop.request('/sessions')).json as { id: string }[];
      expect(views.map((view) => view.id)).toEqual([laptop.sessionId]);
    });

    it('DELETE of this device\'s own session signs it out and clears the cookie', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      await laptop.signIn('alice');
      const reply = await laptop.request(`/sessions/${laptop.sessionId}`, { method: 'DELETE' });
      expect(reply.status).toBe(204);
      expect(clearsCookie(reply)).toBe(true);
      expect((await laptop.request('/api/me')).status).toBe(401);
    });

    it('another user\'s session id, an unknown id and a malformed id all give 404, and revoke nothing', async () => {
      const alice = scenario().device(BROWSERS.chromeMac);
      const bob = scenario().device(BROWSERS.firefoxWindows);
      await alice.signIn('alice');
      await bob.signIn('bob');
      for (const id of [bob.sessionId, 'AAAAAAAAAAAAAAAAAAAAAA', 'not-a-session-id', '..%2F..%2Fx']) {
        const reply = await alice.request(`/sessions/${id}`, { method: 'DELETE' });
        expect(reply.status).toBe(404);
        expect(reply.json).toEqual({ error: 'not_found' });
      }
      expect((await bob.request('/api/me')).status).toBe(200);
    });

    it('POST /sessions/sign-out signs out this device only and clears the cookie', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      const reply = await laptop.request('/sessions/sign-out', { method: 'POST' });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ global: false });
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(clearsCookie(reply)).toBe(true);
      expect((await laptop.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await phone.request('/api/me')).status).toBe(200);
    });

    it('POST /sessions/sign-out-others keeps this device and signs out the rest', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      const desktop = scenario().device(BROWSERS.firefoxWindows);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      await desktop.signIn('alice');
      const reply = await laptop.request('/sessions/sign-out-others', { method: 'POST' });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ revoked: 2 });
      expect((await laptop.request('/api/me')).status).toBe(200);
      expect((await phone.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await desktop.request('/api/me')).json).toEqual({ error: 'session_revoked' });
    });

    it('POST /sessions/sign-out-everywhere signs out every device, this one too, and a fresh sign-in works at once', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      const bob = scenario().device(BROWSERS.firefoxWindows);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      await bob.signIn('bob');
      const reply = await laptop.request('/sessions/sign-out-everywhere', { method: 'POST' });
      expect(reply.status).toBe(204);
      expect(clearsCookie(reply)).toBe(true);
      expect((await laptop.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await phone.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await bob.request('/api/me')).status).toBe(200);
      await laptop.signIn('alice');
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('every route needs a session', async () => {
      const anonymous = scenario();
      expect((await anonymous.request('/sessions')).status).toBe(401);
      for (const path of ['/sessions/sign-out', '/sessions/sign-out-others', '/sessions/sign-out-everywhere']) {
        const reply = await anonymous.request(path, { method: 'POST' });
        expect(reply.status).toBe(401);
        expect(reply.json).toEqual({ error: 'unauthenticated' });
      }
      expect((await anonymous.request('/sessions/AAAAAAAAAAAAAAAAAAAAAA', { method: 'DELETE' })).status).toBe(401);
    });

    it('state-changing routes answer GET with 405 and Allow', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      await laptop.signIn('alice');
      for (const path of ['/sessions/sign-out', '/sessions/sign-out-others', '/sessions/sign-out-everywhere']) {
        const reply = await laptop.request(path);
        expect(reply.status).toBe(405);
        expect(reply.headers.get('allow')).toBe('POST');
      }
      const get = await laptop.request(`/sessions/${laptop.sessionId}`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('DELETE');
      const post = await laptop.request('/sessions', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const head = await laptop.request('/sessions', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      for (const method of ['PUT', 'PATCH', 'OPTIONS']) {
        const reply = await laptop.request('/sessions/sign-out-everywhere', { method });
        expect(reply.status).toBe(405);
        expect(reply.headers.get('allow')).toBe('POST');
        expect(reply.headers.get('cache-control')).toBe('no-store');
      }
      expect((await laptop.request('/api/me')).status).toBe(200);
    });
  });
}
