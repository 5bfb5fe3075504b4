import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

// oidc-provider (a real OpenID provider no one here wrote) on 127.0.0.1, with its dev
// interactions (any login, a consent page) and back-channel logout on. Plain JavaScript, types
// in provider.d.mts: the end-to-end test and the bench (test/bench/backchannel.mjs) share it.

/** The provider's server, listening before the apps exist (they need its issuer URL). */
export async function reserveProvider() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, start: (apps) => startProvider(server, issuer, apps) };
}

async function startProvider(server, issuer, apps) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const sentLogoutTokens = [];
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
      if (String(url).endsWith('/sessions/backchannel-logout')) sentLogoutTokens.push(new URLSearchParams(String(rest.body)).get('logout_token'));
      return globalThis.fetch(url, rest);
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    // The key the provider signs with, so a test can forge tokens that differ from its own in one way.
    signingKey: { key: privateKey, kid: 'test-key' },
    sentLogoutTokens,
    nextDelivery: (clientId, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const stop = () => {
          clearTimeout(timer);
          provider.off('backchannel.success', onSuccess);
          provider.off('backchannel.error', onError);
        };
        const onSuccess = (_ctx, client, _accountId, sid) => {
          if (client.clientId !== clientId) return;
          stop();
          resolve({ ok: true, sid });
        };
        const onError = (_ctx, error, client) => {
          if (client.clientId !== clientId) return;
          stop();
          resolve({ ok: false, error });
        };
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`No back-channel logout to ${clientId} within ${timeoutMs} ms`));
        }, timeoutMs);
        provider.on('backchannel.success', onSuccess);
        provider.on('backchannel.error', onError);
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
