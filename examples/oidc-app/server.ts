import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createSessionManager, memoryStore } from 'session-revocation';
import { createApp, PATHS } from './app.js';
import { startProvider } from './provider.js';
import { signInClient } from './sign-in.js';

// `npm run example:oidc`: the app on 127.0.0.1:3003 and its development identity provider on
// 127.0.0.1:3004, in this one process. Both ports are taken first: the app needs the provider's
// issuer, and the provider needs the app's URLs to register it.

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3003' },
    'provider-port': { type: 'string', default: process.env.PROVIDER_PORT ?? '3004' },
  },
});

const HOST = '127.0.0.1';
const CLIENT_ID = 'oidc-example';

async function listen(port: string, option: string): Promise<{ server: Server; url: string }> {
  const server = createServer();
  server.listen(Number(port), HOST);
  try {
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`Port ${port} on ${HOST} is already in use. Pick another one: npm run example:oidc -- ${option} <port>`);
    process.exit(1);
  }
  return { server, url: `http://${HOST}:${(server.address() as AddressInfo).port}` };
}

const site = await listen(values.port, '--port');
const idp = await listen(values['provider-port'], '--provider-port');
const issuer = idp.url;

await startProvider(idp.server, issuer, {
  clientId: CLIENT_ID,
  redirectUri: `${site.url}${PATHS.callback}`,
  postLogoutRedirectUri: `${site.url}${PATHS.signedOut}`,
  backchannelLogoutUri: `${site.url}${PATHS.backchannelLogout}`,
});
// In memory: a restart signs everyone out. Use sqliteStore, redisStore, postgresStore or mysqlStore for anything real.
const sessions = createSessionManager({ store: memoryStore() });
const client = signInClient({ issuer, clientId: CLIENT_ID, redirectUri: `${site.url}${PATHS.callback}` });
site.server.on('request', createApp({ sessions, client, issuer, clientId: CLIENT_ID, appUrl: site.url }));

console.log(`
OpenID Connect example with session-revocation at ${site.url}
Development identity provider (oidc-provider) at ${issuer}: any login, any password.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const { server } of [site, idp]) {
      server.closeAllConnections();
      server.close();
    }
    void sessions.close().then(() => process.exit(0));
  });
}
