import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
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
    const audience = () => SUITE_GTR_AUDIENCE;
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
      expectReply(await post(await idp().revocationBearer(audience()), byEmail('alice@example.com')), 204, { body: '' });
      expect(await meStatuses(laptop, phone, bob)).toEqual([401, 401, 200]);
      const [event] = await scenario().sessions.activity('alice');
      expect(event?.reason).toBe('security_event');
    });

    const issSubCases = [
      { name: 'takes the subject as Okta sends it, under the earlier drafts\' `subject` member', user: 'dave', member: 'subject' },
      { name: 'an iss_sub subject goes through resolveSubject too', user: 'carol', member: 'sub_id' },
    ] as const;
    for (const c of issSubCases) {
      it(c.name, async () => {
        const laptop = await scenario().signedIn(c.user);
        expect((await post(await idp().revocationBearer(audience()), { [c.member]: { format: 'iss_sub', iss: idp().issuer, sub: c.user } })).status).toBe(204);
        expect((await laptop.request('/api/me')).status).toBe(401);
      });
    }

    it('a missing, unsigned, wrongly signed, expired, misaddressed or jti-less bearer answers 401 with WWW-Authenticate, and ends nothing', async () => {
      const laptop = await scenario().signedIn('alice');
      const now = Math.floor(Date.now() / 1000);
      expectReply(await post(undefined, byEmail('alice@example.com')), 401, { headers: { 'www-authenticate': 'Bearer' } });
      const other = await generateKeyPair('ES256');
      const forged = [
        new UnsecuredJWT({ jti: 'unsigned' }).setIssuer(idp().issuer).setAudience(audience()).setIssuedAt(now).setExpirationTime(now + 300).encode(),
        // Signed with another key under the provider's kid.
        await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'suite' }).setIssuer(idp().issuer).setAudience(audience()).setIssuedAt(now).setExpirationTime(now + 300).sign(other.privateKey),
        await idp().revocationBearer(audience(), { iat: now - 600, exp: now - 300 }),
        await idp().revocationBearer('https://another-app.example/global-token-revocation'),
        await idp().revocationBearer(audience(), { iss: 'https://unknown-idp.example' }),
        // Without jti it could be sent again at will.
        await idp().revocationBearer(audience(), { jti: undefined }),
        'not-a-jwt',
      ];
      for (const bearer of forged) expectReply(await post(bearer, byEmail('alice@example.com')), 401, INVALID_TOKEN);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a bearer sent again answers 401 and ends nothing more, whichever user the body names', async () => {
      const bearer = await idp().revocationBearer(audience());
      await scenario().signedIn('alice');
      expect((await post(bearer, byEmail('alice@example.com'))).status).toBe(204);
      const again = await scenario().signedIn('alice', BROWSERS.safariIphone);
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      for (const email of ['alice@example.com', 'bob@example.com']) expectReply(await post(bearer, byEmail(email)), 401, INVALID_TOKEN);
      expect(await meStatuses(again, bob)).toEqual([200, 200]);
    });

    it('a subject that names no user answers 404; a body it cannot take, or another provider\'s user, answers 400; nothing ends', async () => {
      const laptop = await scenario().signedIn('alice');
      expect((await post(await idp().revocationBearer(audience()), byEmail('nobody@elsewhere.example'))).status).toBe(404);
      const otherProvider = { sub_id: { format: 'iss_sub', iss: 'https://another-idp.example', sub: 'alice' } };
      for (const body of [otherProvider, { sub_id: { format: 'opaque', id: 'alice' } }, { sub_id: { format: 'email' } }, { ...byEmail('alice@example.com'), subject: byEmail('alice@example.com').sub_id }, '{"sub_id":', '[]']) {
        expect((await post(await idp().revocationBearer(audience()), body)).status).toBe(400);
      }
      expect((await post(await idp().revocationBearer(audience()), byEmail('alice@example.com'), { 'content-type': 'text/plain' })).status).toBe(400);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('answers 503 while the provider\'s keys cannot be fetched, and ends nothing', async () => {
      const laptop = await scenario().signedIn('alice');
      idp().jwksAnswer = 503;
      expectReply(await post(await idp().revocationBearer(audience()), byEmail('alice@example.com')), 503, { headers: { 'retry-after': /^\d+$/ } });
      expect((await laptop.request('/api/me')).status).toBe(200);
    });
  });
}
