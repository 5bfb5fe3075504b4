import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

// A real PostgreSQL outage (a TCP proxy cut) that starts right after the redemption took the link,
// and ends before the user tries again. The docs promise: STORE_UNAVAILABLE ... (the link is kept).
const up = await postgresUp();

describe.skipIf(!up)('"This wasn\'t me" link across a PostgreSQL outage', () => {
  const admin = testPool();
  const schema = freshSchema('revlink');
  let proxy: TcpProxy;
  let pool: pg.Pool;
  let store: PostgresStore;

  beforeAll(async () => {
    proxy = await startTcpProxy(0, 5432);
    pool = new pg.Pool({ host: '127.0.0.1', port: proxy.port, user: 'postgres', database: 'test', max: 4, connectionTimeoutMillis: 300 });
    pool.on('error', () => undefined);
    store = postgresStore({ pool, schema, statementTimeout: 300, listen: false });
    await store.migrate();
  });
  afterAll(async () => {
    proxy.heal();
    await store.close();
    await pool.end().catch(() => undefined);
    await proxy.close();
    await dropSchemas(admin, [schema]);
    await admin.end();
  });

  it('a redemption that failed with STORE_UNAVAILABLE keeps the link: the retry after the outage signs the attacker out', async () => {
    let cutAfterTake = false;
    // Only watches: the outage itself is the real proxy cut.
    const watched: SessionStore = {
      ...store,
      async apply(batch) {
        const applied = await store.apply(batch);
        if (cutAfterTake && 'key' in batch.owner && batch.owner.key.startsWith('link:')) {
          cutAfterTake = false;
          proxy.cut();
        }
        return applied;
      },
    };
    let now = Date.now();
    const sessions = createSessionManager({ store: watched, clock: () => now, storeTimeout: 800, onError: () => undefined });
    try {
      const attacker = await sessions.create({ userId: 'alice', userAgent: CHROME, ip: '203.0.113.5' });
      const link = (await sessions.issueRevocationLink(attacker.session.id))!;
      cutAfterTake = true;
      await expect(sessions.redeemRevocationLink(link)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      proxy.heal();
      // Still signed in: nothing was revoked.
      expect(await sessions.validate(attacker.token)).toMatchObject({ ok: true });
      // The user clicks again a couple of minutes later, once the site is back: the link must still work.
      now += 120_000;
      expect(await sessions.redeemRevocationLink(link)).toMatchObject({ revokedIds: [attacker.session.id] });
      expect(await sessions.validate(attacker.token)).toMatchObject({ ok: false });
      // Used for good: no lease runs out on a redemption that finished.
      now += 120_000;
      expect(await sessions.redeemRevocationLink(link)).toBeNull();
    } finally {
      await sessions.close();
    }
  });
});
