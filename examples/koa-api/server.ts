import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD } from '../shared/demo-users.js';
import { createKoaApi } from './app.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3002' },
    host: { type: 'string', default: process.env.HOST ?? 'localhost' },
  },
});

const { app, sessions } = await createKoaApi();
const server = app.listen(Number(values.port), values.host);
await once(server, 'listening');
const address = `http://${values.host}:${(server.address() as AddressInfo).port}`;
console.log(`
Koa JSON API with session-revocation at ${address}

  curl -c jar -H 'content-type: application/json' -d '{"email":"ada@acme.test","password":"${DEMO_PASSWORD}"}' ${address}/api/sign-in
  curl -b jar ${address}/api/me
  curl -b jar ${address}/api/sessions
  curl -b jar -X POST ${address}/api/sessions/sign-out-everywhere
  curl -b jar ${address}/api/me        # 401 {"error":"session_revoked"}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close();
    void sessions.close().then(() => process.exit(0));
  });
}
