import * as oidc from 'openid-client';
import type { FederatedIdentity } from 'session-revocation';

// The OpenID Connect client, with openid-client 6: authorization code flow with PKCE, `state`
// and `nonce`, then the ID token's `iss`, `sub` and `sid` for the session's `federated` link.

/** What the browser keeps between leaving for the provider and coming back (see app.ts). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** The client's side of one provider. */
export interface SignInClient {
  /** The provider's authorization URL for a new sign-in, and what to keep until the browser is back. */
  begin(): Promise<{ url: URL; pending: PendingSignIn }>;
  /**
   * Finishes a sign-in at the redirect URI: checks `state`, redeems the code with the PKCE
   * verifier, validates the ID token (signature, issuer, audience, `nonce`).
   * @throws When the provider answered with an error (the user cancelled) or anything does not match.
   */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<{ identity: FederatedIdentity; idToken: string }>;
  /** The provider's metadata, for `rpLogoutUrl({ issuerMetadata })`. */
  metadata(): Promise<oidc.ServerMetadata>;
}

/** A client of the provider at `issuer`, registered there as `clientId` with `redirectUri`. */
export function signInClient(options: { issuer: string; clientId: string; redirectUri: string }): SignInClient {
  let configuration: Promise<oidc.Configuration> | undefined;
  const configure = (): Promise<oidc.Configuration> => {
    if (configuration === undefined) {
      // Discovery once; a provider that could not be reached is asked again at the next sign-in.
      configuration = oidc.discovery(new URL(options.issuer), options.clientId, undefined, oidc.None(), {
        // The development provider is plain HTTP on 127.0.0.1; a real provider is HTTPS, without this.
        execute: new URL(options.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      });
      configuration.catch(() => (configuration = undefined));
    }
    return configuration;
  };
  return {
    async begin() {
      const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(await configure(), {
        redirect_uri: options.redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url, pending };
    },
    async finish(callbackUrl, pending) {
      const tokens = await oidc.authorizationCodeGrant(await configure(), callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      });
      const claims = tokens.claims();
      if (claims === undefined || tokens.id_token === undefined) throw new Error('The provider answered without an ID token.');
      const sid = claims['sid'];
      return { identity: { iss: claims.iss, sub: claims.sub, sid: typeof sid === 'string' ? sid : undefined }, idToken: tokens.id_token };
    },
    metadata: async () => (await configure()).serverMetadata(),
  };
}
