import { afterAll, describe, expect, it } from 'vitest';
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
  const open = async () => {
    const prefix = freshPrefix('raw');
    created.push(prefix);
    const store = mysqlStore({ pool, prefix });
    await store.migrate();
    return { store, prefix };
  };
  describeSqlContract(async () => (await open()).store);

  it('the apply procedure refuses a step it does not know, and the batch is rolled back', async () => {
    const { store, prefix } = await open();
    const connection = await pool.getConnection();
    try {
      const steps = JSON.stringify([['epoch', 'u', 'unknown', 'browser', '5'], ['dropTable', 'x']]);
      await expect(connection.query(`CALL \`${prefix}apply\`('u', 'unknown', NULL, ?)`, [steps])).rejects.toMatchObject({ errno: 1339 });
      await connection.query('ROLLBACK');
    } finally {
      connection.release();
    }
    expect(await store.readUser('unknown')).toMatchObject({ version: 0, epochs: {} });
    await store.close();
  });
});
