import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { missingDevDependency } from './dev-dependencies.js';
import type { ClientMetadata } from './federated-sign-in.js';
import { createProviderConsole, type ProviderConsoleOptions } from './provider-console.js';

// The local identity provider of `npm run demo -- --idp`: oidc-provider (a certified OpenID
// provider) in the demo's process, on a free port of 127.0.0.1, with its development login and
// consent pages, RP-initiated logout and back-channel logout; beside it, on the same origin, a
// "provider console" that pushes Shared Signals security events to the demo. For the demo only: its keys,
// cookies keys and sessions live in memory, and its login page accepts any password.

/** The provider's port is taken first: the demo needs its issuer before the provider needs the demo's URL. */
export interface ReservedIdentityProvider {
  /** `http://127.0.0.1:<port>`: the provider's issuer identifier. */
  readonly issuer: string;
  /** Starts answering, with the demo registered as its one client and the console pushing to it. */
  start(options: { client: ClientMetadata; console: Omit<ProviderConsoleOptions, 'issuer'> }): Promise<void>;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1; the provider answers once `start()` has run. */
export async function reserveIdentityProvider(): Promise<ReservedIdentityProvider> {
  const { default: Provider } = await import('oidc-provider').catch(missingDevDependency('oidc-provider'));
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async start({ client, console: consoleOptions }) {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const provider = new Provider(issuer, {
        clients: [{ ...client }],
        features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true }, backchannelLogout: { enabled: true } },
        // The development login page takes any login and password, and the login becomes the
        // account id, so the ID token's `sub`. The demo links a `sub` to the account with that
        // email; a real provider's `sub` is a stable id an app links to its account once (an
        // email can change).
        findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
        jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo-key', use: 'sig', alg: 'RS256' }] },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        // Explicit lifetimes (seconds), so the provider does not print a notice for each default.
        ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 86_400, Grant: 86_400 },
        // oidc-provider's outgoing requests refuse special-use addresses (an SSRF guard): the demo
        // on the loopback among them. Its back-channel logout URI, and only that, is sent without it.
        fetch: (url, options) => {
          if (String(url) !== client.backchannel_logout_uri) return globalThis.fetch(url, options as RequestInit);
          const { dispatcher: _guard, ...unguarded } = options;
          return globalThis.fetch(url, unguarded);
        },
      });
      const providerConsole = await createProviderConsole({ issuer, ...consoleOptions });
      const callback = provider.callback();
      server.on('request', function identityProvider(request, response) {
        if (!providerConsole.handle(request, response)) void callback(request, response);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
