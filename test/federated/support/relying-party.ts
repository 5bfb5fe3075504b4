import * as oidc from 'openid-client';
import type { RequestSessions } from '../../../src/http/index.js';

// The app's side of the OpenID Connect sign-in with openid-client (authorization code + PKCE),
// framework-free: every app description in apps.ts calls these two.

/** The app's side of the OpenID Connect sign-in. */
export interface RelyingParty {
  configuration(): Promise<oidc.Configuration>;
  /** Where to send the browser to sign in. */
  login(): Promise<URL>;
  /** Completes the sign-in at the redirect URI: the ID token and its claims. */
  callback(currentUrl: URL): Promise<{ idToken: string; claims: oidc.IDToken }>;
}

export function relyingParty(issuer: string, clientId: string, appUrl: string): RelyingParty {
  let configuration: Promise<oidc.Configuration> | undefined;
  const verifiers = new Map<string, string>();
  const configure = () => (configuration ??= oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] }));
  return {
    configuration: configure,
    async login() {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      verifiers.set(state, verifier);
      return oidc.buildAuthorizationUrl(await configure(), {
        redirect_uri: `${appUrl}/callback`,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
    },
    async callback(currentUrl) {
      const state = currentUrl.searchParams.get('state') ?? '';
      const verifier = verifiers.get(state);
      verifiers.delete(state);
      if (verifier === undefined) throw new Error('Unknown sign-in state');
      const tokens = await oidc.authorizationCodeGrant(await configure(), currentUrl, { pkceCodeVerifier: verifier, expectedState: state });
      return { idToken: tokens.id_token!, claims: tokens.claims()! };
    },
  };
}

/** Signs the user in with the library, remembering the provider session it came from. */
export async function finishSignIn(rp: RelyingParty, sessions: RequestSessions, currentUrl: URL): Promise<{ idToken: string; sid: string | undefined }> {
  const { idToken, claims } = await rp.callback(currentUrl);
  const sid = typeof claims['sid'] === 'string' ? claims['sid'] : undefined;
  await sessions.signIn({ userId: claims.sub, federated: { iss: claims.iss, sub: claims.sub, sid } });
  return { idToken, sid };
}
