import { afterAll, describe } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { describeSqlContract } from '../support/sql-contract.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store: the raw contract', () => {
  const pool = testPool({ max: 6 });
  const sql = testPostgresJs(undefined, { max: 6 });
  const created: string[] = [];
  afterAll(async () => {
    await dropSchemas(pool, created);
    await pool.end();
    await sql.end();
  });
  const open = (client: typeof pool | typeof sql) => async () => {
    const schema = freshSchema('raw');
    created.push(schema);
    const store = postgresStore({ pool: client, schema });
    await store.migrate();
    return store;
  };
  describe('on pg', () => describeSqlContract(open(pool)));
  describe('on postgres.js', () => describeSqlContract(open(sql)));
});
