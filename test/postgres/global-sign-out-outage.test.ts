import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, createSessionRoutes, type ResponseTarget } from '../../src/http/index.js';
import type { SessionStore } from '../../src/store.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { fakeRequest } from '../http/fake-request.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';
const recorder = (): ResponseTarget & { cookies: string[] } => {
  const cookies: string[] = [];
  return { cookies, setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
};

// Global logout on (an account-level setting). PostgreSQL goes away right after this device's revocation committed,
// and comes back. The route answered 503 "try again"; the user tries again.
const up = await postgresUp();

describe.skipIf(!up)('POST /sessions/sign-out under the global-logout policy, across a PostgreSQL outage', () => {
  const admin = testPool();
  const schema = freshSchema('gso');
  let proxy: TcpProxy;
  let pool: pg.Pool;
  beforeAll(async () => {
    proxy = await startTcpProxy(0, 5432);
    pool = new pg.Pool({ host: '127.0.0.1', port: proxy.port, user: 'postgres', database: 'test', max: 4, connectionTimeoutMillis: 300 });
    pool.on('error', () => undefined);
    await postgresStore({ pool, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    proxy.heal();
    await pool.end().catch(() => undefined);
    await proxy.close();
    await dropSchemas(admin, [schema]);
    await admin.end();
  });

  it('a 503 "try again" leaves a way to try again: the other devices end', async () => {
    const store = postgresStore({ pool, schema, statementTimeout: 300, listen: false });
    // The outage starts right after the sign-out's first revoking write commits.
    let cutAfterRevoke = false;
    const watched: SessionStore = {
      ...store,
      async apply(batch) {
        const applied = await store.apply(batch);
        if (cutAfterRevoke && batch.writes.some((write) => write.type === 'revoke' || write.type === 'epochs')) {
          cutAfterRevoke = false;
          proxy.cut();
        }
        return applied;
      },
    };
    const manager = createSessionManager({ store: watched, storeTimeout: 800, policy: { globalLogout: () => true }, onError: () => undefined });
    try {
      const http = createSessionHttp(manager);
      const routes = createSessionRoutes(manager);
      const laptop = await manager.create({ userId: 'alice', userAgent: CHROME });
      const phone = await manager.create({ userId: 'alice', userAgent: FIREFOX });
      const signOut = async () =>
        routes.respond(await http.attach(fakeRequest({ method: 'POST', url: '/sessions/sign-out', headers: { cookie: `session=${laptop.token}`, origin: 'http://localhost', host: 'localhost', 'user-agent': CHROME } }), recorder()));
      cutAfterRevoke = true;
      expect((await signOut())?.status).toBe(503);
      proxy.heal();
      // The user presses "Sign out" again, as the 503 asks; whatever it answers, every device is signed out by now.
      await signOut();
      expect((await manager.validate(laptop.token)).ok).toBe(false);
      expect((await manager.validate(phone.token)).ok).toBe(false);
    } finally {
      await manager.close();
    }
  });
});
