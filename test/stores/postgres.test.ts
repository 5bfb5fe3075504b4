import { afterAll, describe } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { faultyPgPool } from '../support/faults.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store', () => {
  const pool = testPool({ max: 12 });
  // A second app server: its own connections, the same schema as the running test's store
  // (makeStore runs before each test, so the last schema created is that test's).
  const siblingPool = testPool({ max: 6 });
  // The store under test reaches its pool through the kit's fault hook.
  const faulty = faultyPgPool(pool);
  const created: string[] = [];

  afterAll(async () => {
    await dropSchemas(pool, created);
    await pool.end();
    await siblingPool.end();
  });

  // A fresh schema per test: makeStore must hand out an empty store.
  describeStoreConformance(
    'postgres',
    async () => {
      const schema = freshSchema('conf');
      created.push(schema);
      // The suite fires 200 sign-ins for one user at once through a 12-connection pool; they
      // queue for the pool and for the user's epoch row, which on a busy CI box can take longer
      // than the 2 s default deadline. This run checks semantics; outage.test.ts checks timeouts.
      const store = postgresStore({ pool: faulty.pool, schema, statementTimeout: 15_000 });
      await store.migrate();
      return store;
    },
    // Creates for one user serialise on that user's epoch row (that is what makes them atomic
    // with "sign out everywhere"), so the 10,000-sessions-of-one-user test needs a while on a
    // busy machine.
    {
      runner: vitestRunner,
      slowTimeout: 180_000,
      sibling: () => postgresStore({ pool: siblingPool, schema: created.at(-1)!, statementTimeout: 15_000 }),
      faults: faulty.faults,
    },
  );
});
