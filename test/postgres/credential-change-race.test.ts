import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';

// Two servers on one PostgreSQL. On server A a stolen (but fresh) session changes the email; on server B, at the same
// moment, the owner ends that session from the "Login management" list. The owner's revocation lands after A read the
// session as live and before A raised the epoch (the race window is made deterministic by running B's revoke there).
const up = await postgresUp();

describe.skipIf(!up)('emailChanged / passwordChanged racing a revocation of the session that makes the change', () => {
  const poolA = testPool();
  const poolB = testPool();
  const schema = freshSchema('cred');
  beforeAll(async () => {
    await postgresStore({ pool: poolA, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    await dropSchemas(poolA, [schema]);
    await poolA.end();
    await poolB.end();
  });

  for (const change of ['emailChanged', 'passwordChanged'] as const) {
    it(`${change}: a session its owner revoked during the change is not handed a fresh token`, async () => {
      // Each manager closes its store.
      const storeA: PostgresStore = postgresStore({ pool: poolA, schema, listen: false });
      const storeB: PostgresStore = postgresStore({ pool: poolB, schema, listen: false });
      let beforeEpochRaise: (() => Promise<void>) | undefined;
      const racedA: SessionStore = {
        ...storeA,
        async apply(batch) {
          const hook = beforeEpochRaise;
          if (hook !== undefined && batch.writes.some((write) => write.type === 'epochs')) {
            beforeEpochRaise = undefined;
            await hook();
          }
          return storeA.apply(batch);
        },
      };
      const serverA = createSessionManager({ store: racedA, epochCacheTtl: 0 });
      const serverB = createSessionManager({ store: storeB, epochCacheTtl: 0 });
      try {
        const user = `u-${change}`;
        const owner = await serverB.create({ userId: user, userAgent: FIREFOX, ip: '198.51.100.7' });
        const stolen = await serverA.create({ userId: user, userAgent: CHROME, ip: '203.0.113.5' });
        // The owner's "Log out" on the stolen session's row, landing inside A's change.
        beforeEpochRaise = async () => {
          expect(await serverB.revoke(stolen.session.id, { userId: user })).toBe(true);
        };
        const result = await serverA[change](user, { currentSessionId: stolen.session.id });
        expect(beforeEpochRaise).toBeUndefined(); // the race happened
        // The owner ended it: the device must not come out of the change signed in.
        expect(result.token).toBeUndefined();
        if (result.token !== undefined) expect(await serverB.validate(result.token)).toMatchObject({ ok: false });
        expect((await serverB.validate(owner.token)).ok).toBe(false);
      } finally {
        await serverA.close();
        await serverB.close();
      }
    });
  }
});
