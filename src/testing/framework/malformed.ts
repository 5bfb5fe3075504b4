import { BROWSERS } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

// One case per way a wrapper could mangle the header (a jar that breaks on a pair without "=", non-ASCII bytes); parsing is tested in test/http.
const JUNK_COOKIES = ['session', 'session=caf\u00e9.\u00fc\u00df'];

const JUNK_BEARERS = ['Bearer junk', 'bearer \u00e9\u00e9'];

const UNAUTHENTICATED = { json: { error: 'unauthenticated' } };

/** Junk in the Cookie and Authorization headers is refused with 401, never a 500. */
export function describeMalformed({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('malformed credentials', () => {
    it('malformed cookies (no "=", non-ASCII) get 401, never 500', async () => {
      for (const cookie of JUNK_COOKIES) expectReply(await scenario().request('/api/me', { headers: { cookie } }), 401, UNAUTHENTICATED);
    });

    it('junk Bearer values get 401 and do not fall back to the cookie', async () => {
      const device = await scenario().signedIn('alice');
      for (const authorization of JUNK_BEARERS) {
        // The Bearer value failed, not the cookie: the cookie is left alone.
        expectReply(await device.request('/api/me', { headers: { authorization } }), 401, { ...UNAUTHENTICATED, cookies: 0 });
      }
      expect((await device.request('/api/me', { headers: { authorization: 'Basic YWxpY2U6cHc=' } })).status).toBe(200);
    });

    it('duplicate cookies: planted junk beside the real token is ignored', async () => {
      const device = await scenario().signedIn('alice');
      // Junk first, then last: a wrapper that kept only one of the values fails one of them.
      for (const cookie of [`session=junk; session=${device.token}`, `session=${device.token}; session=`]) {
        expect((await device.request('/api/me', { headers: { cookie } })).status).toBe(200);
      }
    });

    it('duplicate cookies: a second genuine token makes the request anonymous', async () => {
      const victim = await scenario().signedIn('alice');
      const attacker = await scenario().signedIn('mallory', BROWSERS.firefoxWindows);
      // Either token alone is genuine: a wrapper keeping only the first or the last value lets one in.
      const reply = await scenario().request('/api/me', { headers: { cookie: `session=${attacker.token}; session=${victim.token}` } });
      expectReply(reply, 401, UNAUTHENTICATED);
      // Clearing would delete the real cookie and leave a planted one (another path or domain) to sign the next request in.
      expect(reply.cookies).toEqual([]);
      expect((await victim.request('/api/me')).status).toBe(200);
    });

    it('the token is never read from the URL', async () => {
      const device = await scenario().signedIn('alice');
      const token = encodeURIComponent(device.token ?? '');
      expect((await scenario().request(`/api/me?session=${token}&token=${token}&access_token=${token}`)).status).toBe(401);
    });
  });
}
