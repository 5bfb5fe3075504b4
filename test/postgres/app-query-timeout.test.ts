import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { tableNames } from '../../adapters/postgres/names.js';
import { isSessionError } from '../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

// pg's own `query_timeout` fails a statement with an error that has no SQLSTATE and leaves the server process running it. The
// connection is retired, but the read is not sent again as after a lost connection: a statement slower than the app's timeout
// would become two server processes doing the same work.
describe.skipIf(!up)("postgres store: a read that fails by the app pool's query_timeout (no SQLSTATE, the connection not lost)", () => {
  const admin = testPool({ max: 3 });
  const schema = freshSchema('query_timeout');
  const names = tableNames(schema, 'sessions');
  const application = `query-timeout-${process.pid}`;
  beforeAll(async () => {
    await postgresStore({ pool: admin, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await admin.end();
  });

  const waiting = async (): Promise<number> => {
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [application]);
    return Number(rows[0]!.n);
  };

  it('is sent to the server once, on one new connection', async () => {
    const pool = testPool({ max: 4, query_timeout: 300, application_name: application });
    let connected = 0;
    pool.on('connect', () => void (connected += 1));
    const store = postgresStore({ pool, schema, listen: false, statementTimeout: 5_000 });
    const holder = await admin.connect();
    let outcome = '';
    let orphans = 0;
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`);
      outcome = await store.get('AAAAAAAAAAAAAAAAAAAAAA').then(
        () => 'answered',
        (error: unknown) => (isSessionError(error) ? error.code : 'other'),
      );
      orphans = await waiting();
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      for (let look = 0; look < 200 && (await waiting()) > 0; look++);
      await pool.end();
    }
    expect(outcome).not.toBe('answered');
    // One statement sent, one server process left behind (pg's query_timeout never cancels), one connection opened.
    expect({ orphans, connected }).toEqual({ orphans: 1, connected: 1 });
  }, 30_000);
});
