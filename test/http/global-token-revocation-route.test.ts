import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type GlobalTokenRevocationSubject, type ResponseTarget, type SessionRoutes } from '../../src/http/index.js';
import { startTestIssuer, type TestIssuer } from '../../src/testing/framework/test-issuer.js';
import { fakeRequest } from './fake-request.js';

// The Universal Logout route's answers, once: the framework kit sends one bearer and one body
// of each kind through every wrapper.

const AUDIENCE = 'https://app.example/sessions/global-token-revocation';
const target: ResponseTarget = { setHeader: () => undefined, appendSetCookie: () => undefined };
const byEmail = (email: string) => ({ sub_id: { format: 'email', email } });

let idp: TestIssuer;
let sessions: SessionManager;
let routes: SessionRoutes;
beforeAll(async () => {
  idp = await startTestIssuer();
  sessions = createSessionManager({ store: memoryStore() });
  // As the kit's directory: users by email, or the provider's sub as the user id.
  const resolveSubject = ({ format, email, sub }: GlobalTokenRevocationSubject) => (format === 'email' ? /^([a-z]+)@example\.com$/.exec(email ?? '')?.[1] : sub);
  routes = createSessionRoutes(sessions, { globalTokenRevocation: { issuers: [{ issuer: idp.issuer, audience: AUDIENCE }], resolveSubject } });
});
afterAll(async () => {
  await sessions.close();
  await idp.close();
});

async function post(bearer: string | undefined, body: unknown, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType, ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) };
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const request = { ...fakeRequest({ method: 'POST', url: '/sessions/global-token-revocation', headers }), readBody: () => Promise.resolve(text) };
  return routes.respond(await createSessionHttp(sessions).attach(request, target));
}

describe('the Universal Logout route', () => {
  it('answers a missing bearer, and each one it cannot take, with 401 and WWW-Authenticate, ending nothing', async () => {
    const { token } = await sessions.create({ userId: 'alice' });
    expect(await post(undefined, byEmail('alice@example.com'))).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    const now = Math.floor(Date.now() / 1000);
    const other = await generateKeyPair('ES256');
    const refused = [
      new UnsecuredJWT({ jti: 'unsigned' }).setIssuer(idp.issuer).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 300).encode(),
      // Signed with another key under the provider's kid.
      await new SignJWT({ jti: 'other-key' }).setProtectedHeader({ alg: 'ES256', kid: 'suite' }).setIssuer(idp.issuer).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 300).sign(other.privateKey),
      await idp.revocationBearer(AUDIENCE, { iat: now - 600, exp: now - 300 }),
      await idp.revocationBearer('https://another-app.example/global-token-revocation'),
      await idp.revocationBearer(AUDIENCE, { iss: 'https://unknown-idp.example' }),
      await idp.revocationBearer(AUDIENCE, { jti: undefined }),
      'not-a-jwt',
    ];
    for (const bearer of refused) {
      expect(await post(bearer, byEmail('alice@example.com'))).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    }
    // A bearer taken once is refused the same way, whichever user the body names.
    const bearer = await idp.revocationBearer(AUDIENCE);
    expect((await post(bearer, byEmail('nobody@elsewhere.example')))?.status).toBe(404);
    for (const email of ['alice@example.com', 'bob@example.com']) expect((await post(bearer, byEmail(email)))?.status).toBe(401);
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('answers a body it cannot take with 400, and another provider\'s user with 403, ending nothing', async () => {
    const { token } = await sessions.create({ userId: 'alice' });
    const otherProvider = { sub_id: { format: 'iss_sub', iss: 'https://another-idp.example', sub: 'alice' } };
    expect((await post(await idp.revocationBearer(AUDIENCE), otherProvider))?.status).toBe(403);
    for (const body of [{ sub_id: { format: 'opaque', id: 'alice' } }, { sub_id: { format: 'email' } }, { ...byEmail('alice@example.com'), subject: byEmail('alice@example.com').sub_id }, '{"sub_id":', '[]']) {
      expect((await post(await idp.revocationBearer(AUDIENCE), body))?.status).toBe(400);
    }
    expect((await post(await idp.revocationBearer(AUDIENCE), byEmail('alice@example.com'), 'text/plain'))?.status).toBe(400);
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  it('takes an iss_sub subject through resolveSubject, and one sent as the earlier drafts\' `subject` member, as Okta does', async () => {
    for (const [member, user] of [['sub_id', 'carol'], ['subject', 'dave']] as const) {
      const { token } = await sessions.create({ userId: user });
      expect((await post(await idp.revocationBearer(AUDIENCE), { [member]: { format: 'iss_sub', iss: idp.issuer, sub: user } }))?.status).toBe(204);
      expect((await sessions.validate(token)).ok).toBe(false);
    }
  });
});
