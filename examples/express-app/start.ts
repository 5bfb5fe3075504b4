import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemo, type Demo, type DemoOptions } from './app.js';
import { IDP_CLIENT_ID } from './federated-sign-in.js';
import { reserveIdentityProvider, type ReservedIdentityProvider } from './identity-provider.js';
import type { ProviderSession } from './provider-console.js';
import { DEMO_USERS } from '../shared/demo-users.js';

export interface StartOptions extends Omit<DemoOptions, 'identityProvider'> {
  /** `0` for any free port. */
  readonly port: number;
  readonly host: string;
  /**
   * `--idp`: also start a local OpenID provider (oidc-provider) on a free port of 127.0.0.1,
   * with the demo registered as its client. @default false
   */
  readonly identityProvider?: boolean;
}

export interface RunningKeystone {
  /** Where the demo answers, e.g. `http://localhost:3000`. */
  readonly url: string;
  readonly demo: Demo;
  /** The local provider's issuer URL, with `identityProvider`. */
  readonly issuer: string | undefined;
  /** Stops the provider, the demo's server, then the demo (pruning, store, database). */
  close(): Promise<void>;
}

/**
 * Starts the demo (and, with `identityProvider`, its OpenID provider) on `host`:`port`: for
 * `npm run demo` and the tests. The order matters: the demo needs the provider's issuer, and
 * the provider needs the demo's URL to register it, so both ports are taken first. A failure
 * to listen (`EADDRINUSE`) rejects with the server's error, before anything else was started.
 */
export async function startKeystone(options: StartOptions): Promise<RunningKeystone> {
  const { port, host, identityProvider = false, ...demoOptions } = options;
  const provider: ReservedIdentityProvider | undefined = identityProvider ? await reserveIdentityProvider() : undefined;
  const server = createServer();
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    await provider?.close();
    throw error;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  let demo: Demo | undefined;
  // The header the provider console sends with each security event, and the demo requires.
  const pushAuthorization = `Bearer ${randomBytes(24).toString('base64url')}`;
  try {
    demo = await createDemo({
      ...demoOptions,
      identityProvider: provider === undefined ? undefined : { issuer: provider.issuer, clientId: IDP_CLIENT_ID, appUrl: url },
      securityEvents: provider === undefined ? undefined : { audience: url, authorization: pushAuthorization },
    });
    server.on('request', demo.app);
    if (provider !== undefined) {
      const started = demo;
      await provider.start({
        client: demo.oidcClient!,
        console: { pushUrl: `${url}${demo.securityEventsPath}`, audience: url, authorization: pushAuthorization, sessions: () => providerSessions(started, provider.issuer) },
      });
    }
  } catch (error) {
    await Promise.all([provider?.close(), closeServer()]);
    await demo?.close();
    throw error;
  }
  const started = demo;
  return {
    url,
    demo: started,
    issuer: provider?.issuer,
    async close() {
      await Promise.all([provider?.close(), closeServer()]);
      await started.close();
    },
  };
}

/** The demo's sessions signed in through the provider, as the provider console lists them. */
async function providerSessions(demo: Demo, issuer: string): Promise<ProviderSession[]> {
  const perUser = await Promise.all(
    DEMO_USERS.map(async ({ id }) => {
      const email = demo.accounts.userById(id)?.email ?? id;
      return (await demo.sessions.list(id)).flatMap((session) =>
        session.federated?.iss === issuer && session.federated.sid !== undefined ? [{ sid: session.federated.sid, sub: session.federated.sub, email, device: session.deviceLabel }] : [],
      );
    }),
  );
  return perUser.flat();
}
