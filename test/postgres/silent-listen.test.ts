import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import { EventReader } from '../../src/testing/framework/live-events.js';
import { serveApp } from '../frameworks/five-apps.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { listening } from '../support/postgres-listening.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const up = await postgresUp();

// B's LISTEN connection goes through a link that silently stops delivering (a NAT or load balancer that forgot an idle
// flow): no FIN, no RST, so no error and no resync. B's queries go straight to the server and work.
describe.skipIf(!up)('postgres store: a LISTEN connection that died silently', () => {
  const poolA = testPool();
  const poolB = testPool();
  const schema = freshSchema('silent');
  afterAll(async () => {
    await dropSchemas(poolA, [schema]);
    await poolA.end();
    await poolB.end();
  });

  it("an open page on B still hears that A ended its session: streams are read again now and then", async () => {
    const proxy = await startTcpProxy(0, 5432);
    const listenPool = testPool({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`, max: 1 });
    const storeA = postgresStore({ pool: poolA, schema });
    await storeA.migrate();
    const storeB = postgresStore({ pool: poolB, schema, listen: { pool: listenPool } });
    const a = createSessionManager({ store: storeA });
    const b = createSessionManager({ store: storeB });
    const server = await serveApp('express', b, { heartbeat: 60_000, pollInterval: 50 });
    let stream: EventReader | undefined;
    try {
      const signIn = await fetch(`${server.url}/login?user=silent`, { method: 'POST' });
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const { sessionId } = (await signIn.json()) as { sessionId: string };
      const response = await fetch(`${server.url}/sessions/events`, { headers: { cookie } });
      expect(response.status).toBe(200);
      stream = new EventReader(response.body!);
      expect((await stream.next())?.event).toBe('comment');
      await listening(storeA, storeB);
      proxy.cut();
      await a.revoke(sessionId);
      expect((await b.liveness(sessionId)).live).toBe(false);
      // No notice arrives; the read every 12 x pollInterval (600 ms here) ends the page.
      expect(await stream.nextEvent()).toEqual({ event: 'revoked', data: '{"reason":"revoked"}' });
    } finally {
      await stream?.cancel();
      await server.close();
      await a.close();
      await b.close();
      await proxy.close();
      await listenPool.end();
    }
  }, 30_000);
});
