import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, rpLogoutUrl, type BackchannelLogoutOptions, type SessionManager, type SessionStore } from '../../src/index.js';
import { FRAMEWORKS, reserveApp, type Framework, type RunningApp } from './support/apps.js';
import { Browser, logoutConfirmation, signInThroughProvider } from './support/browser.mjs';
import { reserveProvider, type TestProvider } from './support/provider.mjs';
import { SHARED_STORE_KINDS, type SharedStore } from './support/shared-stores.js';

// End to end against oidc-provider: a real sign-in (authorization code + PKCE with
// openid-client), a logout at the provider's end-session endpoint, and the provider's own
// back-channel logout request ending the app's session on two instances sharing a store.

const BACKCHANNEL_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

interface Forgery {
  readonly claims?: Record<string, unknown>;
  readonly drop?: readonly string[];
  readonly signWith?: CryptoKey;
  readonly unsigned?: boolean;
}

/**
 * Logout tokens shaped as oidc-provider signs them (RS256 under its kid, typ logout+jwt; iss,
 * aud, iat, exp 120 s later, jti, sub, sid and the event), with its own key unless told
 * otherwise, changed in the one way a test asks.
 */
function forger(idp: TestProvider, clientId: string, sid: string) {
  return async ({ claims = {}, drop = [], signWith, unsigned = false }: Forgery = {}): Promise<string> => {
    const iat = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { iss: idp.issuer, aud: clientId, iat, exp: iat + 120, jti: crypto.randomUUID(), sub: 'alice', sid, events: BACKCHANNEL_EVENT, ...claims };
    for (const name of drop) delete payload[name];
    const header = { alg: 'RS256', typ: 'logout+jwt', kid: idp.signingKey.kid };
    if (unsigned) {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ ...header, alg: 'none' })}.${part(payload)}.`;
    }
    return new SignJWT(payload).setProtectedHeader(header).sign(signWith ?? idp.signingKey.key);
  };
}

interface Deployment {
  /** The instance registered with the provider: sign-in and back-channel logout URI. */
  readonly first: RunningApp;
  /** A second instance over the same store. */
  readonly second: RunningApp;
  readonly managers: readonly SessionManager[];
  readonly clientId: string;
}

for (const kind of SHARED_STORE_KINDS) describe.skipIf(!(await kind.up()))(`back-channel logout from oidc-provider (${kind.name})`, () => {
  let idp: TestProvider;
  const shared: SharedStore[] = [];
  const deployments = new Map<Framework, Deployment>();

  beforeAll(async () => {
    const reserved = await reserveProvider();
    const backchannelLogout = (clientId: string): BackchannelLogoutOptions => ({ issuers: [{ issuer: reserved.issuer, clientId }] });
    const servers = await Promise.all(FRAMEWORKS.map(async (framework) => ({ framework, first: await reserveApp(), second: await reserveApp() })));
    idp = await reserved.start(servers.map(({ framework, first }) => ({ clientId: `${framework}-app`, appUrl: first.url })));
    for (const { framework, first, second } of servers) {
      const pair = await kind.share(`oidc_${framework}`);
      shared.push(pair);
      const managers = pair.stores.map((store) => createSessionManager({ store }));
      const clientId = `${framework}-app`;
      deployments.set(framework, {
        first: await first.serve(framework, { sessions: managers[0]!, clientId, backchannelLogout: backchannelLogout(clientId) }),
        second: await second.serve(framework, { sessions: managers[1]!, clientId, backchannelLogout: backchannelLogout(clientId) }),
        managers,
        clientId,
      });
    }
  });

  afterAll(async () => {
    for (const { first, second, managers } of deployments.values()) {
      await Promise.all([first.close(), second.close()]);
      await Promise.all(managers.map((manager) => manager.close()));
    }
    await idp?.close();
    for (const pair of shared) await pair.cleanup();
  });

  /** Signs in at the app through the provider's login and consent pages, as a user would. */
  async function signIn(browser: Browser, app: RunningApp): Promise<{ idToken: string; sid: string }> {
    const { url, response } = await signInThroughProvider(browser, app.url);
    expect(url.pathname).toBe('/callback');
    expect(response.status).toBe(200);
    return (await response.json()) as { idToken: string; sid: string };
  }

  /** Signs out at the provider (RP-initiated logout, confirmed on its page); answers its back-channel delivery. */
  async function signOutAtProvider(browser: Browser, deployment: Deployment, idToken: string) {
    const { first, clientId } = deployment;
    const endSession = rpLogoutUrl({ issuerMetadata: (await first.rp.configuration()).serverMetadata(), idTokenHint: idToken, postLogoutRedirectUri: `${first.url}/signed-out` });
    const { action, form } = await logoutConfirmation(browser, endSession);
    const delivered = idp.nextDelivery(clientId);
    const confirmed = await browser.fetch(action, { form });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${first.url}/signed-out`);
    return delivered;
  }

  /** POSTs a logout token to the app's back-channel logout URI, as the provider does. */
  const postLogout = (app: RunningApp, token: string) =>
    fetch(`${app.url}/sessions/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }).toString(),
      signal: AbortSignal.timeout(10_000),
    });

  for (const framework of FRAMEWORKS) {
    describe(framework, () => {
      it('a sign-out at the provider ends the app session on its next request, on both instances', async () => {
        const deployment = deployments.get(framework)!;
        const browser = new Browser();
        const { idToken, sid } = await signIn(browser, deployment.first);
        expect(sid).toEqual(expect.any(String));
        const me = (app: RunningApp) => browser.fetch(`${app.url}/api/me`);
        expect((await me(deployment.first)).status).toBe(200);
        expect((await me(deployment.second)).status).toBe(200);
        const delivery = await signOutAtProvider(browser, deployment, idToken);
        expect(delivery).toEqual({ ok: true, sid });
        expect((await me(deployment.first)).status).toBe(401);
        expect((await me(deployment.second)).status).toBe(401);
      });

      it('a replayed copy of the provider\'s logout token is refused (400) by both instances and ends nothing', async () => {
        const deployment = deployments.get(framework)!;
        const browser = new Browser();
        const { idToken, sid } = await signIn(browser, deployment.first);
        const sent = idp.sentLogoutTokens.length;
        expect(await signOutAtProvider(browser, deployment, idToken)).toEqual({ ok: true, sid });
        expect(idp.sentLogoutTokens).toHaveLength(sent + 1);
        const copy = idp.sentLogoutTokens.at(-1)!;
        // A session the copied token names (same provider session), signed in after the logout.
        const issuer = idp.issuer;
        const later = await deployment.managers[1]!.create({ userId: 'alice', federated: { iss: issuer, sub: 'alice', sid } });
        for (const app of [deployment.first, deployment.second]) {
          const reply = await fetch(`${app.url}/sessions/backchannel-logout`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ logout_token: copy }).toString(),
            signal: AbortSignal.timeout(10_000),
          });
          expect(reply.status).toBe(400);
          expect(await reply.json()).toEqual({ error: 'invalid_request', error_description: 'replayed' });
        }
        expect((await deployment.managers[0]!.validate(later.token)).ok).toBe(true);
        expect((await deployment.managers[1]!.validate(later.token)).ok).toBe(true);
      });

      it('forged logout tokens that differ from the provider\'s in one way are refused (400) and end nothing; unchanged, the forgery is accepted', async () => {
        const deployment = deployments.get(framework)!;
        const browser = new Browser();
        const { sid } = await signIn(browser, deployment.first);
        const forge = forger(idp, deployment.clientId, sid);
        const now = Math.floor(Date.now() / 1000);
        const hostile: [string, Promise<string> | string, string][] = [
          ['signed by another key under the provider\'s kid', forge({ signWith: (await generateKeyPair('RS256')).privateKey }), 'bad_signature'],
          ['for another audience', forge({ claims: { aud: 'someone-else' } }), 'bad_audience'],
          ['without the events claim', forge({ drop: ['events'] }), 'missing_event'],
          ['issued an hour ago', forge({ claims: { iat: now - 3600 } }), 'bad_iat'],
          ['unsigned (alg none)', forge({ unsigned: true }), 'bad_algorithm'],
          ['over the token size limit (8 KB)', forge({ claims: { padding: 'x'.repeat(6_000) } }), 'too_large'],
          ['over the form size limit', forge({ claims: { padding: 'x'.repeat(10_000) } }), 'missing'],
        ];
        for (const [name, token, reason] of hostile) {
          const reply = await postLogout(deployment.first, await token);
          expect({ name, status: reply.status, body: await reply.json() }).toEqual({ name, status: 400, body: { error: 'invalid_request', error_description: reason } });
          expect((await browser.fetch(`${deployment.first.url}/api/me`)).status).toBe(200);
        }
        expect((await postLogout(deployment.first, await forge())).status).toBe(200);
        expect((await browser.fetch(`${deployment.first.url}/api/me`)).status).toBe(401);
      });
    });
  }
});
