import { parseArgs } from 'node:util';
import { DEMO_PASSWORD } from '../shared/demo-users.js';
import { createFastifyApi } from './app.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3001' },
    host: { type: 'string', default: process.env.HOST ?? 'localhost' },
  },
});

const { app } = await createFastifyApi();
const address = await app.listen({ port: Number(values.port), host: values.host });
console.log(`
Fastify JSON API with session-revocation at ${address}

  curl -c jar -H 'content-type: application/json' -d '{"email":"ada@acme.test","password":"${DEMO_PASSWORD}"}' ${address}/api/sign-in
  curl -b jar ${address}/api/me
  curl -b jar ${address}/api/sessions
  curl -b jar -X POST ${address}/api/sessions/sign-out-everywhere
  curl -b jar ${address}/api/me        # 401 {"error":"session_revoked"}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
