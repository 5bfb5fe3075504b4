import type pg from 'pg';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { pgBouncerInstalled, startPgBouncer, type PgBouncer } from '../support/pgbouncer.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

const up = (await postgresUp()) && pgBouncerInstalled();

// The store as most production apps reach PostgreSQL: every query through PgBouncer in
// transaction mode (unnamed statements only), LISTEN on a direct connection beside it.
describe.skipIf(!up)('postgres store through PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;
  const direct = testPool({ max: 2 });
  // fresh() runs in makeStore, before each test: the last schema is the running test's.
  const created: string[] = [];
  const fresh = (): string => {
    const schema = freshSchema('pgb');
    created.push(schema);
    return schema;
  };

  beforeAll(async () => {
    bouncer = await startPgBouncer();
  });

  afterAll(async () => {
    await bouncer?.stop();
    await dropSchemas(direct, created);
    await direct.end();
  });

  describe('with pg', () => {
    let pooled: pg.Pool;
    // A second app server through the same PgBouncer: its own client connections.
    let siblingPool: pg.Pool;
    beforeAll(() => {
      pooled = testPool({ connectionString: bouncer.url, max: 12 });
      siblingPool = testPool({ connectionString: bouncer.url, max: 6 });
    });
    afterAll(async () => {
      await pooled.end();
      await siblingPool.end();
    });

    describeStoreConformance(
      'postgres (pg through PgBouncer)',
      async () => {
        // migrate() too goes through the pooler: its script is one simple query.
        const store = postgresStore({ pool: pooled, schema: fresh(), preparedStatements: false, listen: { pool: direct }, statementTimeout: 15_000 });
        await store.migrate();
        return store;
      },
      {
        runner: vitestRunner,
        slowTimeout: 180_000,
        sibling: () => postgresStore({ pool: siblingPool, schema: created.at(-1)!, preparedStatements: false, listen: false, statementTimeout: 15_000 }),
      },
    );
  });

  describe('with postgres.js', () => {
    let pooled: postgres.Sql;
    let siblingSql: postgres.Sql;
    const directJs = testPostgresJs(undefined, { max: 1 });
    beforeAll(() => {
      pooled = testPostgresJs(bouncer.url, { max: 12 });
      siblingSql = testPostgresJs(bouncer.url, { max: 6 });
    });
    afterAll(async () => {
      await pooled.end();
      await siblingSql.end();
      await directJs.end();
    });

    describeStoreConformance(
      'postgres (postgres.js through PgBouncer)',
      async () => {
        const store = postgresStore({ pool: pooled, schema: fresh(), preparedStatements: false, listen: { pool: directJs }, statementTimeout: 15_000 });
        await store.migrate();
        return store;
      },
      {
        runner: vitestRunner,
        slowTimeout: 180_000,
        sibling: () => postgresStore({ pool: siblingSql, schema: created.at(-1)!, preparedStatements: false, listen: false, statementTimeout: 15_000 }),
      },
    );
  });
});
