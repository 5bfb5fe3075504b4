import * as oidc from 'openid-client';

// The app's side of the OpenID Connect sign-in with openid-client (authorization code + PKCE),
// framework-free: every app description in apps.ts calls these two, and so does the bench.
// Plain JavaScript, types in relying-party.d.mts.

export function relyingParty(issuer, clientId, appUrl) {
  let configuration;
  const verifiers = new Map();
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
      return { idToken: tokens.id_token, claims: tokens.claims() };
    },
  };
}

export async function finishSignIn(rp, sessions, currentUrl) {
  const { idToken, claims } = await rp.callback(currentUrl);
  const sid = typeof claims['sid'] === 'string' ? claims['sid'] : undefined;
  await sessions.signIn({ userId: claims.sub, federated: { iss: claims.iss, sub: claims.sub, sid } });
  return { idToken, sid };
}
