import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

// The development identity provider: oidc-provider (a certified OpenID provider) in the app's
// process, on its own port of 127.0.0.1. Its login page accepts any login and password, and its
// keys and sessions live in memory: for trying the app on one machine, never for production.
// In production the app talks to a real provider (Keycloak, Auth0, Okta...) instead.

/** What the provider must know of the app (OpenID Connect client metadata). */
export interface AppRegistration {
  readonly clientId: string;
  /** Where the provider sends the browser back with a code. */
  readonly redirectUri: string;
  /** Where the provider may send the browser after its logout page. */
  readonly postLogoutRedirectUri: string;
  /** Where the provider POSTs its logout tokens: the session routes' `<prefix>/backchannel-logout`. */
  readonly backchannelLogoutUri: string;
}

/**
 * Starts the provider on `server` (already listening at `issuer`) with the app as its one
 * client, and reports every failed back-channel delivery: the only place such a failure shows.
 */
export async function startProvider(server: Server, issuer: string, app: AppRegistration): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: app.clientId,
        // A public client: PKCE binds the code to the browser that asked for it.
        token_endpoint_auth_method: 'none',
        redirect_uris: [app.redirectUri],
        post_logout_redirect_uris: [app.postLogoutRedirectUri],
        backchannel_logout_uri: app.backchannelLogoutUri,
        // `sid` in the ID token and the logout token: a logout ends that provider session's
        // app sessions, not every session of the person.
        backchannel_logout_session_required: true,
      },
    ],
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true }, backchannelLogout: { enabled: true } },
    // The login typed on the development login page becomes the ID token's `sub`.
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'dev-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 86_400, Grant: 86_400 },
    // oidc-provider refuses to send requests to special-use addresses (an SSRF guard), the
    // loopback among them: the back-channel logout URI, and only it, is sent without the guard.
    fetch: (url, options) => {
      if (String(url) !== app.backchannelLogoutUri) return globalThis.fetch(url, options as RequestInit);
      const { dispatcher: _guard, ...unguarded } = options;
      return globalThis.fetch(url, unguarded);
    },
  });
  // oidc-provider sends each logout token once: a refused or failed delivery is only seen here.
  provider.on('backchannel.error', (_ctx, error, client, accountId, sid) => {
    console.error(`Back-channel logout to ${client.clientId} failed (account ${accountId}, sid ${sid}): ${error.message}`);
  });
  server.on('request', provider.callback());
  return provider;
}
