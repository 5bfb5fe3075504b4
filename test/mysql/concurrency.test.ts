import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();


describe.skipIf(!up)('mysql store: sign-ins racing on two app servers', () => {
  const poolA = testMysqlPool();
  const poolB = testMysqlPool();
  const prefix = freshPrefix('race');
  // Two app servers: each its own pool and store over the same tables (a manager closes its store).
  const store = (pool: typeof poolA): MysqlStore => mysqlStore({ pool, prefix, statementTimeout: 30_000 });

  beforeAll(async () => {
    await store(poolA).migrate();
  });

  afterAll(async () => {
    await dropPrefixes(poolA, [prefix]);
    await poolA.end();
    await poolB.end();
  });

  // No User-Agent: no device key, so no sign-in replaces another; only the cap ends sessions.
  it('20 sign-ins of one user from two managers with a cap of 3 leave exactly 3 live sessions', async () => {
    const a = createSessionManager({ store: store(poolA), maxSessions: 3 });
    const b = createSessionManager({ store: store(poolB), maxSessions: 3 });
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).create({ userId: 'racer', ip: `198.51.100.${i}` })),
    );
    const validations = await Promise.all(created.map(({ token }, i) => (i % 2 === 0 ? b : a).validate(token)));
    expect(validations.filter((result) => result.ok)).toHaveLength(3);
    expect(await a.list('racer')).toHaveLength(3);
    expect(await b.list('racer')).toHaveLength(3);
    await a.close();
    await b.close();
  });

  it('with onMaxSessions "refuse", exactly 3 of 20 racing sign-ins get in and the rest are told SESSION_LIMIT', async () => {
    const a = createSessionManager({ store: store(poolA), maxSessions: 3, onMaxSessions: 'refuse' });
    const b = createSessionManager({ store: store(poolB), maxSessions: 3, onMaxSessions: 'refuse' });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).create({ userId: 'refused' })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'SESSION_LIMIT' });
    expect(await a.list('refused')).toHaveLength(3);
    await a.close();
    await b.close();
  });
});
