import { BROWSERS } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

/** Bearer credentials: stateless access tokens (middleware option `accessTokens`) and session tokens. */
export function describeAccessTokens({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  const accessTokenOf = async (token: string | undefined): Promise<string> => scenario().sessions.issueAccessToken(await scenario().liveSession(token));

  describe('Bearer tokens', () => {
    it('an access token is accepted as Bearer, and refused after sign out everywhere', async () => {
      const device = await scenario().signedIn('alice');
      const api = scenario().device('curl/8.0');
      const headers = { authorization: `Bearer ${await accessTokenOf(device.token)}` };
      expectReply(await api.request('/api/me', { headers }), 200, { json: { userId: 'alice', sessionId: device.sessionId } });
      await scenario().sessions.revokeAll('alice');
      expectReply(await api.request('/api/me', { headers }), 401, { json: { error: 'session_revoked' }, cookies: 0 });
    });

    it('an access token is refused once its session is revoked, and can list and sign out', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      const headers = { authorization: `Bearer ${await accessTokenOf(laptop.token)}` };
      const listed = await scenario().request('/sessions', { headers });
      expect(listed.status).toBe(200);
      expect((listed.json as { current: boolean }[]).map((view) => view.current)).toEqual([true, false]);
      expect((await scenario().request('/sessions/sign-out', { method: 'POST', headers })).status).toBe(200);
      expect((await scenario().request('/api/me', { headers })).json).toEqual({ error: 'session_revoked' });
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 200]);
    });

    it('a session token is accepted as Bearer', async () => {
      const created = await scenario().sessions.create({ userId: 'alice', kind: 'api' });
      expectReply(await scenario().request('/api/me', { headers: { authorization: `Bearer ${created.token}` } }), 200, { json: { userId: 'alice', sessionId: created.session.id } });
    });

    it('an access token that expired gets 401 "session_expired"', async () => {
      const device = await scenario().signedIn('alice');
      const headers = { authorization: `Bearer ${await accessTokenOf(device.token)}` };
      scenario().advance(60 * 60 * 1000);
      expectReply(await scenario().request('/api/me', { headers }), 401, { json: { error: 'session_expired' } });
    });
  });
}
