import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { countingPool, operationOf, type CountingPool } from '../support/postgres-counting.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store: statements per request', () => {
  const pool = testPool();
  const schema = freshSchema('rt');
  let counting: CountingPool;
  let clock: TestClock;
  let sessions: SessionManager;
  let store: PostgresStore;

  beforeEach(async () => {
    counting = countingPool(pool);
    store = postgresStore({ pool: counting, schema, listen: false });
    await store.migrate();
    counting.statements.length = 0;
    clock = new TestClock();
    sessions = createSessionManager({ store, clock: clock.read });
  });

  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  const sent = (): string[] => counting.statements.splice(0).map(operationOf);

  it('validates a session with one statement (the row and its epochs) and writes nothing', async () => {
    const { token } = await sessions.create({ userId: 'u1', userAgent: UA.chromeMac });
    sent();
    for (let i = 0; i < 5; i++) expect((await sessions.validate(token)).ok).toBe(true);
    expect(sent()).toEqual(['get', 'get', 'get', 'get', 'get']);
    await sessions.revokeAll('u1');
    sent();
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(sent()).toEqual(['get']);
  });

  it('signs in with two statements: the user read in one, the batch applied by one call of the apply function', async () => {
    await sessions.create({ userId: 'u2', tenantId: 'acme', userAgent: UA.chromeMac });
    expect(sent()).toEqual(['read_user', 'apply']);
    await sessions.revokeAll('u2');
    expect(sent()).toEqual([expect.stringMatching(/^read_user/), 'apply']);
    await store.readUser('u2', 'acme');
    expect(sent()).toEqual(['read_user']);
  });

  it('touches with one statement, no transaction', async () => {
    const { session } = await sessions.create({ userId: 'u3' });
    sent();
    expect(await store.touch(session.id, { lastUsedAt: Date.now() + 60_000 })).toBe(true);
    expect(sent()).toEqual(['touch']);
  });
});
