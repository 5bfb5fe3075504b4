import type { Configuration } from 'openid-client';
import { rpLogoutUrl, type FederatedIdentity } from '../../src/index.js';
import { missingDevDependency } from './dev-dependencies.js';

// The demo's side of "Sign in with the identity provider" (`npm run demo -- --idp`), with
// openid-client: authorization code + PKCE, the ID token's `iss`, `sub` and `sid` for the
// library's `federated` sign-in, and the provider's RP-initiated logout URL.

/** The demo's client id at its local provider. */
export const IDP_CLIENT_ID = 'keystone-demo';

/** The demo's pages of the sign-in through the provider. */
export const IDP_PATHS = {
  /** POST: starts a sign-in at the provider. */
  start: '/login/idp',
  /** The redirect URI: the provider sends the browser back here with a code. */
  callback: '/login/idp/callback',
  /** The post-logout redirect URI: where the provider sends the browser after "Sign out at the provider". */
  signedOut: '/login/idp/signed-out',
} as const;

/** Where the demo's provider is, and where the demo itself answers. */
export interface IdentityProviderLink {
  /** The provider's issuer identifier (its ID tokens' `iss`). */
  readonly issuer: string;
  /** The demo's client id there. */
  readonly clientId: string;
  /** The demo's own URL, e.g. `http://localhost:3000`: every URI registered with the provider is under it. */
  readonly appUrl: string;
}

/** The demo's registration at the provider (OpenID Connect client metadata). */
export interface ClientMetadata {
  readonly client_id: string;
  readonly token_endpoint_auth_method: 'none';
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly backchannel_logout_uri: string;
  readonly backchannel_logout_session_required: true;
}

/** What the provider must know of the demo; `backchannelLogoutPath` is the session routes' `<prefix>/backchannel-logout`. */
export function demoClient(link: IdentityProviderLink, backchannelLogoutPath: string): ClientMetadata {
  return {
    client_id: link.clientId,
    // A public client, without a secret: PKCE binds the code to the browser that asked for it.
    token_endpoint_auth_method: 'none',
    redirect_uris: [`${link.appUrl}${IDP_PATHS.callback}`],
    post_logout_redirect_uris: [`${link.appUrl}${IDP_PATHS.signedOut}`],
    backchannel_logout_uri: `${link.appUrl}${backchannelLogoutPath}`,
    // `sid` in the ID token and in the logout token: a logout at the provider ends the sessions
    // signed in through that provider session, not every session of the person.
    backchannel_logout_session_required: true,
  };
}

/** A sign-in under way, kept by the browser that started it until the provider sends it back. */
export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  /** The demo page to open afterwards (already checked with `safeNextPath`). */
  readonly next: string;
}

export interface FederatedSignIn {
  readonly issuer: string;
  /** Starts a sign-in: the provider's authorization URL, and what to keep until the browser is back. */
  begin(next: string): Promise<{ url: string; pending: PendingSignIn }>;
  /**
   * Finishes it at the redirect URI (`callbackPath`: its path and query, with `code` and
   * `state`): checks the state, redeems the code with the PKCE verifier, validates the ID token.
   * @throws When the provider answered with an error (the person cancelled) or anything does not match.
   */
  finish(callbackPath: string, pending: PendingSignIn): Promise<{ idToken: string; identity: FederatedIdentity }>;
  /** The provider's logout page for this ID token (RP-initiated logout), coming back to {@link IDP_PATHS}.signedOut. */
  logoutUrl(idToken: string): Promise<string>;
}

/** The demo's OpenID Connect client for `link`; the provider's metadata is read on first use. */
export async function createFederatedSignIn(link: IdentityProviderLink): Promise<FederatedSignIn> {
  const oidc = await import('openid-client').catch(missingDevDependency('openid-client'));
  let configuration: Promise<Configuration> | undefined;
  const configure = (): Promise<Configuration> => {
    if (configuration === undefined) {
      // Plain HTTP is allowed for the local provider on 127.0.0.1 only; a real one is HTTPS.
      configuration = oidc.discovery(new URL(link.issuer), link.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      // A provider that was not up yet is asked again at the next sign-in.
      configuration.catch(() => (configuration = undefined));
    }
    return configuration;
  };
  return {
    issuer: link.issuer,
    async begin(next) {
      const pending: PendingSignIn = { state: oidc.randomState(), verifier: oidc.randomPKCECodeVerifier(), next };
      const url = oidc.buildAuthorizationUrl(await configure(), {
        redirect_uri: `${link.appUrl}${IDP_PATHS.callback}`,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        // The provider's login page at every sign-in, even while its own session lasts: the
        // person picks the account each time, and a login with no Keystone account (refused by
        // the demo) is not signed in again silently at the next click.
        prompt: 'login',
      });
      return { url: url.href, pending };
    },
    async finish(callbackPath, pending) {
      const tokens = await oidc.authorizationCodeGrant(await configure(), new URL(callbackPath, link.appUrl), { pkceCodeVerifier: pending.verifier, expectedState: pending.state });
      const claims = tokens.claims();
      if (tokens.id_token === undefined || claims === undefined) throw new Error('The provider answered without an ID token.');
      const sid = claims['sid'];
      return { idToken: tokens.id_token, identity: { iss: claims.iss, sub: claims.sub, sid: typeof sid === 'string' ? sid : undefined } };
    },
    async logoutUrl(idToken) {
      return rpLogoutUrl({ issuerMetadata: (await configure()).serverMetadata(), idTokenHint: idToken, postLogoutRedirectUri: `${link.appUrl}${IDP_PATHS.signedOut}` });
    },
  };
}
