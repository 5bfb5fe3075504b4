import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Client } from 'oidc-provider';

// oidc-provider (a real OpenID provider no one here wrote) on 127.0.0.1, with its dev
// interactions (any login, a consent page) and back-channel logout on.

/** One relying party the provider knows: an app on 127.0.0.1. */
export interface RegisteredApp {
  readonly clientId: string;
  readonly appUrl: string;
}

/** What the provider answered for one back-channel logout it sent. */
export type Delivery = { readonly ok: true; readonly sid: string } | { readonly ok: false; readonly error: unknown };

export interface TestProvider {
  readonly issuer: string;
  readonly provider: Provider;
  /** Every `logout_token` the provider POSTed to an app's back-channel logout URI, as sent. */
  readonly sentLogoutTokens: string[];
  /** The next back-channel logout to `clientId`, success or error; rejects after `timeoutMs`. */
  nextDelivery(clientId: string, timeoutMs?: number): Promise<Delivery>;
  close(): Promise<void>;
}

/** The provider's server, listening before the apps exist (they need its issuer URL). */
export async function reserveProvider(): Promise<{ issuer: string; start(apps: readonly RegisteredApp[]): Promise<TestProvider> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, start: (apps) => startProvider(server, issuer, apps) };
}

async function startProvider(server: Server, issuer: string, apps: readonly RegisteredApp[]): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const sentLogoutTokens: string[] = [];
  const provider = new Provider(issuer, {
    clients: apps.map(({ clientId, appUrl }) => ({
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${appUrl}/callback`],
      post_logout_redirect_uris: [`${appUrl}/signed-out`],
      backchannel_logout_uri: `${appUrl}/sessions/backchannel-logout`,
      // Puts `sid` in the ID token and in the logout token.
      backchannel_logout_session_required: true,
    })),
    features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['a cookie key for the tests only'] },
    // Its own fetch sends through a dispatcher that refuses special-use addresses (an SSRF
    // guard), 127.0.0.1 among them: the apps live there, so send with the default dispatcher.
    fetch: (url, options) => {
      const { dispatcher: _guarded, ...rest } = options;
      if (String(url).endsWith('/sessions/backchannel-logout')) sentLogoutTokens.push(new URLSearchParams(String(rest.body)).get('logout_token')!);
      return globalThis.fetch(url, rest);
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    sentLogoutTokens,
    nextDelivery: (clientId, timeoutMs = 10_000) =>
      new Promise<Delivery>((resolve, reject) => {
        const done = (delivery: Delivery): void => {
          clearTimeout(timer);
          provider.off('backchannel.success', onSuccess);
          provider.off('backchannel.error', onError);
          resolve(delivery);
        };
        const onSuccess = (_ctx: unknown, client: Client, _accountId: string, sid: string): void => {
          if (client.clientId === clientId) done({ ok: true, sid });
        };
        const onError = (_ctx: unknown, error: unknown, client: Client): void => {
          if (client.clientId === clientId) done({ ok: false, error });
        };
        const timer = setTimeout(() => {
          provider.off('backchannel.success', onSuccess);
          provider.off('backchannel.error', onError);
          reject(new Error(`No back-channel logout to ${clientId} within ${timeoutMs} ms`));
        }, timeoutMs);
        provider.on('backchannel.success', onSuccess);
        provider.on('backchannel.error', onError);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
