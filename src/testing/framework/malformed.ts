import { BROWSERS } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

const JUNK_COOKIES = [
  'session=',
  'session',
  `session=${'a'.repeat(8 * 1024)}`,
  'session=caf\u00e9.\u00fc\u00df',
  ';'.repeat(2_000),
  `${'; '.repeat(1_000)}session=x${';'.repeat(1_000)}`,
  'session="',
  'session=""',
  `session=${'A'.repeat(22)}.${'B'.repeat(43)}`,
  `session=${'A'.repeat(22)}%2E${'B'.repeat(43)}`,
  '=session; ==; session==',
];

const JUNK_BEARERS = [
  'Bearer',
  'Bearer ',
  'Bearer junk',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
  'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6InNlc3Npb24tYWNjZXNzK2p3dCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
  `Bearer ${'x'.repeat(8 * 1024)}`,
  'Bearer a.b.c.d.e',
  'bearer \u00e9\u00e9',
];

const UNAUTHENTICATED = { json: { error: 'unauthenticated' } };

/** Junk in the Cookie and Authorization headers is refused with 401, never a 500. */
export function describeMalformed({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('malformed credentials', () => {
    it('malformed cookies (empty, 8 KB, non-ASCII, many ";", forged) get 401, never 500', async () => {
      for (const cookie of JUNK_COOKIES) {
        expectReply(await scenario().request('/api/me', { headers: { cookie } }), 401, UNAUTHENTICATED);
      }
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
      for (const cookie of [`session=junk; session=${device.token}`, `session=${device.token}; session=`, `session=${device.token}; session=${device.token}`]) {
        expect((await device.request('/api/me', { headers: { cookie } })).status).toBe(200);
      }
    });

    it('duplicate cookies: a second genuine token makes the request anonymous, whatever the order', async () => {
      const victim = await scenario().signedIn('alice');
      const attacker = await scenario().signedIn('mallory', BROWSERS.firefoxWindows);
      for (const cookie of [`session=${attacker.token}; session=${victim.token}`, `session=${victim.token}; session=${attacker.token}`]) {
        expectReply(await scenario().request('/api/me', { headers: { cookie } }), 401, UNAUTHENTICATED);
      }
      expect((await victim.request('/api/me')).status).toBe(200);
    });

    it('the token is never read from the URL', async () => {
      const device = await scenario().signedIn('alice');
      const token = encodeURIComponent(device.token ?? '');
      for (const query of [`session=${token}`, `token=${token}`, `access_token=${token}`]) {
        expect((await scenario().request(`/api/me?${query}`)).status).toBe(401);
      }
    });
  });
}
