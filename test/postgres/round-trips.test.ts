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
  const isBegin = (statement: string): boolean => statement.startsWith('BEGIN');

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

  it('reads a user in one statement, and applies each batch of a sign-in as one transaction that checks the version first', async () => {
    await sessions.create({ userId: 'u2', tenantId: 'acme', userAgent: UA.chromeMac });
    const statements = sent();
    const begin = statements.findIndex(isBegin);
    expect(statements.slice(0, begin).every((statement) => statement === 'read_user')).toBe(true);
    expect(statements.at(-1)).toBe('COMMIT');
    // Each batch's transaction checks its owner's version first, then only writes.
    statements.forEach((statement, index) => isBegin(statement) && expect(statements[index + 1]).toMatch(/^session_revocation_(bump|claim_key|key_held)|^bump|^claim_key|^key_held/));
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
