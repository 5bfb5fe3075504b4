import { BROWSERS } from './client.js';
import { SUITE_GTR_AUDIENCE } from './test-issuer.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

const PATH = '/sessions/global-token-revocation';
const JSON_BODY = { 'content-type': 'application/json' };
const INVALID_TOKEN = { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };

/** Universal Logout: a provider's server signs a user out everywhere, and only with a bearer it signed. */
export function describeUniversalLogout({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('Universal Logout (global token revocation)', () => {
    const idp = () => scenario().idp;
    const post = (bearer: string | undefined, body: unknown, headers: Record<string, string> = JSON_BODY) =>
      scenario().request(PATH, {
        method: 'POST',
        headers: { ...headers, ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), origin: 'https://idp.example', 'sec-fetch-site': 'cross-site' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const byEmail = (email: string) => ({ sub_id: { format: 'email', email } });

    it('a bearer signed by the provider for this endpoint ends every session of the user (204), cross-site and without a session', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      expectReply(await post(await idp().revocationBearer(SUITE_GTR_AUDIENCE), byEmail('alice@example.com')), 204, { body: '' });
      expect(await meStatuses(laptop, phone, bob)).toEqual(['session_revoked', 'session_revoked', 200]);
      const [event] = await scenario().sessions.activity('alice');
      expect(event?.reason).toBe('security_event');
    });

    it('a missing or misaddressed bearer answers 401 with WWW-Authenticate, and ends nothing', async () => {
      const laptop = await scenario().signedIn('alice');
      // One of each answer the wrapper writes; every bearer the route refuses, replays too, is tested in test/http.
      expectReply(await post(undefined, byEmail('alice@example.com')), 401, { headers: { 'www-authenticate': 'Bearer' } });
      expectReply(await post(await idp().revocationBearer('https://another-app.example/global-token-revocation'), byEmail('alice@example.com')), 401, INVALID_TOKEN);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a subject that names no user answers 404; a body it cannot take answers 400; nothing ends', async () => {
      const laptop = await scenario().signedIn('alice');
      expect((await post(await idp().revocationBearer(SUITE_GTR_AUDIENCE), byEmail('nobody@elsewhere.example'))).status).toBe(404);
      // JSON an app's parser in front of the routes cannot read.
      expect((await post(await idp().revocationBearer(SUITE_GTR_AUDIENCE), '{"sub_id":')).status).toBe(400);
      expect((await post(await idp().revocationBearer(SUITE_GTR_AUDIENCE), byEmail('alice@example.com'), { 'content-type': 'text/plain' })).status).toBe(400);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('answers 503 while the provider\'s keys cannot be fetched, and ends nothing', async () => {
      const laptop = await scenario().signedIn('alice');
      idp().jwksAnswer = 503;
      expectReply(await post(await idp().revocationBearer(SUITE_GTR_AUDIENCE), byEmail('alice@example.com')), 503, { headers: { 'retry-after': /^\d+$/ } });
      expect((await laptop.request('/api/me')).status).toBe(200);
    });
  });
}
