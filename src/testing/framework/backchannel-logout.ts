import { BROWSERS } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The OpenID Connect back-channel logout URI: a provider's server signs users out, and only with a valid token. */
export function describeBackchannelLogout({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('back-channel logout', () => {
    const idp = () => scenario().idp;
    const post = (body: string, headers: Record<string, string> = FORM) =>
      scenario().request('/sessions/backchannel-logout', { method: 'POST', headers: { ...headers, origin: 'https://idp.example', 'sec-fetch-site': 'cross-site' }, body });

    const signedInFederated = (userAgent: string, federated: { iss: string; sub: string; sid?: string }) => scenario().deviceWith({ userId: 'alice', userAgent, federated });

    it('a valid logout token signs out the provider session at once (200, no-store), cross-site and without a session', async () => {
      const laptop = await signedInFederated(BROWSERS.chromeMac, { iss: idp().issuer, sub: 'alice@idp', sid: 'idp-session-1' });
      const phone = await signedInFederated(BROWSERS.safariIphone, { iss: idp().issuer, sub: 'alice@idp', sid: 'idp-session-2' });
      expectReply(await post(`logout_token=${await idp().logoutToken({ sid: 'idp-session-1' })}`), 200, { headers: { 'cache-control': 'no-store' } });
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 200]);
    });

    it('a bad or missing token answers 400 { error } and signs out nothing', async () => {
      const laptop = await signedInFederated(BROWSERS.chromeMac, { iss: idp().issuer, sub: 'alice@idp' });
      // The token rules are tested without a wrapper; these are forms an app's parser in front may read (a field twice).
      for (const body of ['logout_token=nonsense', `logout_token=${await idp().logoutToken({ sub: 'alice@idp' })}&logout_token=x`, 'nothing=here']) {
        const reply = await post(body);
        expect(reply.status).toBe(400);
        expect(typeof (JSON.parse(reply.body) as { error?: unknown }).error).toBe('string');
      }
      expect((await post(`logout_token=${await idp().logoutToken({ sub: 'alice@idp' })}`, { 'content-type': 'application/json' })).status).toBe(400);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a form over 9 KB is refused (400) even around a valid token, whether the route or the app\'s form parser read it', async () => {
      const laptop = await signedInFederated(BROWSERS.chromeMac, { iss: idp().issuer, sub: 'alice@idp', sid: 'idp-session-1' });
      expect((await post(`logout_token=${await idp().logoutToken({ sid: 'idp-session-1' })}&padding=${'x'.repeat(20_000)}`)).status).toBe(400);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('answers 503 while the store is down, and signs out nothing', async () => {
      const token = await idp().logoutToken({ sub: 'alice@idp' });
      scenario().store.failing = true;
      expect((await post(`logout_token=${token}`)).status).toBe(503);
    });

    it('answers 503, not 400, while the provider\'s keys cannot be fetched', async () => {
      const laptop = await signedInFederated(BROWSERS.chromeMac, { iss: idp().issuer, sub: 'alice@idp', sid: 'idp-session-1' });
      idp().jwksAnswer = 503;
      expectReply(await post(`logout_token=${await idp().logoutToken({ sid: 'idp-session-1' })}`), 503, { headers: { 'retry-after': /^\d+$/ } });
      expect((await laptop.request('/api/me')).status).toBe(200);
    });
  });
}
