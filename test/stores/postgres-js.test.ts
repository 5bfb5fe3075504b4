import { afterAll, describe } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store on postgres.js', () => {
  const sql = testPostgresJs(undefined, { max: 12 });
  // A second app server: its own connections, the same schema as the running test's store
  // (makeStore runs before each test, so the last schema created is that test's).
  const siblingSql = testPostgresJs(undefined, { max: 6 });
  const created: string[] = [];

  afterAll(async () => {
    const pool = testPool({ max: 1 });
    await dropSchemas(pool, created);
    await pool.end();
    await sql.end();
    await siblingSql.end();
  });

  describeStoreConformance(
    'postgres (postgres.js)',
    async () => {
      const schema = freshSchema('js');
      created.push(schema);
      // As in postgres.test.ts: a generous deadline, this run checks semantics.
      const store = postgresStore({ pool: sql, schema, statementTimeout: 15_000 });
      await store.migrate();
      return store;
    },
    {
      runner: vitestRunner,
      slowTimeout: 180_000,
      sibling: () => postgresStore({ pool: siblingSql, schema: created.at(-1)!, statementTimeout: 15_000 }),
    },
  );
});
