import { BROWSERS } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** Bearer credentials: stateless access tokens (middleware option `accessTokens`) and session tokens. */
export function describeAccessTokens({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;

  const accessTokenOf = async (token: string | undefined): Promise<string> => {
    const validated = await scenario().sessions.validate(token);
    if (!validated.ok) throw new Error(`The session of the test device is not valid (${validated.reason}).`);
    return scenario().sessions.issueAccessToken(validated.session);
  };

  describe('Bearer tokens', () => {
    it('an access token is accepted as Bearer, and refused after sign out everywhere', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const jwt = await accessTokenOf(device.token);
      const api = scenario().device('curl/8.0');
      const headers = { authorization: `Bearer ${jwt}` };
      const me = await api.request('/api/me', { headers });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ userId: 'alice', sessionId: device.sessionId });
      await scenario().sessions.revokeAll('alice');
      const refused = await api.request('/api/me', { headers });
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ error: 'session_revoked' });
      expect(refused.cookies).toHaveLength(0);
    });

    it('an access token is refused once its session is revoked, and can list and sign out', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      const headers = { authorization: `Bearer ${await accessTokenOf(laptop.token)}` };
      const listed = await scenario().request('/sessions', { headers });
      expect(listed.status).toBe(200);
      expect((listed.json as { current: boolean }[]).map((view) => view.current)).toEqual([true, false]);
      const signedOut = await scenario().request('/sessions/sign-out', { method: 'POST', headers });
      expect(signedOut.status).toBe(200);
      expect((await scenario().request('/api/me', { headers })).json).toEqual({ error: 'session_revoked' });
      expect((await laptop.request('/api/me')).status).toBe(401);
      expect((await phone.request('/api/me')).status).toBe(200);
    });

    it('a session token is accepted as Bearer', async () => {
      const created = await scenario().sessions.create({ userId: 'alice', kind: 'api' });
      const reply = await scenario().request('/api/me', { headers: { authorization: `Bearer ${created.token}` } });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ userId: 'alice', sessionId: created.session.id });
    });

    it('an access token that expired gets 401 "session_expired"', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const headers = { authorization: `Bearer ${await accessTokenOf(device.token)}` };
      scenario().advance(60 * 60 * 1000);
      const reply = await scenario().request('/api/me', { headers });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: 'session_expired' });
    });
  });
}
