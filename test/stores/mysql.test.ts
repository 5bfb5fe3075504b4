import { afterAll, describe } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { faultyMysqlPool } from '../support/faults.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

describe.skipIf(!up)('mysql store (MariaDB or MySQL)', () => {
  const pool = testMysqlPool({ connectionLimit: 12 });
  // A second app server: its own connections, the same tables as the running test's store
  // (makeStore runs before each test, so the last prefix created is that test's).
  const siblingPool = testMysqlPool({ connectionLimit: 6 });
  // The store under test reaches its pool through the kit's fault hook.
  const faulty = faultyMysqlPool(pool);
  const created: string[] = [];

  afterAll(async () => {
    await dropPrefixes(pool, created);
    await pool.end();
    await siblingPool.end();
  });

  // Fresh tables per test: makeStore must hand out an empty store.
  describeStoreConformance(
    'mysql',
    async () => {
      const prefix = freshPrefix('conf');
      created.push(prefix);
      // The suite fires 200 sign-ins for one user at once; they queue for the pool and for the
      // user's epoch row, longer than the 2 s default on a busy machine. This run checks
      // semantics; test/mysql checks the deadline.
      const store = mysqlStore({ pool: faulty.pool, prefix, statementTimeout: 30_000 });
      await store.migrate();
      return store;
    },
    {
      runner: vitestRunner,
      slowTimeout: 240_000,
      sibling: () => mysqlStore({ pool: siblingPool, prefix: created.at(-1)!, statementTimeout: 30_000 }),
      faults: faulty.faults,
    },
  );
});
