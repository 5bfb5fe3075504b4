import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

// A backend the server ends during a call (pg_terminate_backend: a failover, an idle-session killer, an operator) fails that call.
// The connection is gone: the next call must get another one, not the dead one back from the pool (pg), nor wedge the pool or
// throw where nothing can catch it (postgres.js, whose reserved connection must not be handed back once closed).

const up = await postgresUp();

describe.skipIf(!up)('postgres store: a connection the server ended during a call', () => {
  const pool = testPool({ max: 1 });
  const sql = testPostgresJs(undefined, { max: 1, onnotice: () => undefined });
  const admin = testPool({ max: 2 });
  const schema = freshSchema('terminated');
  beforeAll(async () => {
    await postgresStore({ pool, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await pool.end();
    await sql.end();
    await admin.end();
  });

  it.each(['pg', 'postgres.js'])('%s: the call after the terminated one is answered, on a pool of one connection (5 rounds)', async (driver) => {
    const store = postgresStore({ pool: driver === 'pg' ? pool : sql, schema, listen: false, statementTimeout: 10_000 });
    const sessions = createSessionManager({ store, storeTimeout: 10_000 });
    const userId = `ada-${driver}`;
    const { session } = await sessions.create({ userId });
    const answers: string[] = [];
    for (let round = 0; round < 5; round++) {
      const holder = await admin.connect();
      try {
        await holder.query('BEGIN');
        // The user's version row is held: the next batch waits on it, where the server can be made to end it.
        await holder.query(`SELECT 1 FROM "${schema}".sessions_owners WHERE scope = 'u' AND owner = '${userId}' FOR UPDATE`);
        const first = sessions.revokeOthers(userId, session.id).then(
          () => 'answered',
          (error: { code?: string }) => String(error.code),
        );
        const next = first.then(() => sessions.list(userId)).then(
          (views) => `listed ${views.length}`,
          (error: Error) => error.message,
        );
        let pid: number | undefined;
        for (let look = 0; look < 500 && pid === undefined; look++) {
          const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [`%${schema}%apply%`]);
          pid = rows[0]?.pid as number | undefined;
        }
        expect(pid).toBeTypeOf('number');
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        expect(await first).toBe('STORE_UNAVAILABLE');
        answers.push(await next);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
    }
    await sessions.close();
    expect(answers).toEqual(Array.from({ length: 5 }, () => 'listed 1'));
  }, 60_000);
});
