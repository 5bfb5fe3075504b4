import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';
import { listening, timeUntil } from '../support/postgres-listening.js';

const up = await postgresUp();

// PostgreSQL is down when the store starts listening (connections refused): the store tries again meanwhile, and so does
// postgres.js. Once it is up, each notice must reach a listener once, and onResync run once, not once per try.
describe.skipIf(!up)('postgres store on postgres.js: LISTEN connections refused for a while', () => {
  it('once the server is up, a notice reaches the listener once and onResync runs once', async () => {
    // Nothing listens on `port` until the proxy to the server starts there; no other test uses it, and it lies below the outgoing range.
    const port = 29_998;
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(5432, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy()).on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    const pool = testPool({ max: 2 });
    const listenSql = testPostgresJs(`postgres://postgres@127.0.0.1:${port}/test`, { max: 1 });
    // Counts the store's tries (each a call of postgres.js's listen).
    let tries = 0;
    const listen = listenSql.listen;
    listenSql.listen = ((...args: Parameters<typeof listen>) => ((tries += 1), listen.apply(listenSql, args))) as typeof listen;
    const schema = freshSchema('refused_listen');
    const publisher = postgresStore({ pool, schema, listen: false });
    const subscriber = postgresStore({ pool, schema, listen: { pool: listenSql }, statementTimeout: 500 });
    await publisher.migrate();
    const heard: string[] = [];
    let resyncs = 0;
    const unsubscribe = subscriber.subscribe!((notice) => heard.push(notice.userId), () => (resyncs += 1));
    try {
      await timeUntil(async () => tries >= 4, 15_000);
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      await listening(publisher, subscriber);
      await timeUntil(async () => resyncs > 0, 5_000);
      heard.length = 0;
      const resynced = resyncs;
      await publisher.apply({ owner: { userId: 'once' }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      await timeUntil(async () => heard.includes('once'), 5_000);
      // Another notice after it: by the time it is heard, any copy of the first has been delivered too.
      await publisher.apply({ owner: { userId: 'after' }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      await timeUntil(async () => heard.includes('after'), 5_000);
      expect({ heard, resyncs: resynced }).toEqual({ heard: ['once', 'after'], resyncs: 1 });
    } finally {
      unsubscribe();
      await subscriber.close();
      await dropSchemas(pool, [schema]);
      await pool.end();
      await listenSql.end({ timeout: 0 });
      for (const socket of sockets) socket.destroy();
      if (proxy.listening) await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  }, 40_000);
});
