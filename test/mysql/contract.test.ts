import { afterAll, describe } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { describeSqlContract } from '../support/sql-contract.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

describe.skipIf(!up)('mysql store: the raw contract', () => {
  const pool = testMysqlPool({ connectionLimit: 6 });
  const created: string[] = [];
  afterAll(async () => {
    await dropPrefixes(pool, created);
    await pool.end();
  });
  describeSqlContract(async () => {
    const prefix = freshPrefix('raw');
    created.push(prefix);
    const store = mysqlStore({ pool, prefix });
    await store.migrate();
    return store;
  });
});
