import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresPool } from '../../adapters/postgres/connection.js';
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

describe.skipIf(!up)('postgres store: connections the server ended during calls, on a pool of three', () => {
  const admin = testPool({ max: 2 });
  const schema = freshSchema('terminated_three');
  const pools = { pg: testPool({ max: 3 }), 'postgres.js': testPostgresJs(undefined, { max: 3, onnotice: () => undefined }) };
  beforeAll(async () => {
    await postgresStore({ pool: admin, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await pools.pg.end();
    await pools['postgres.js'].end({ timeout: 1 });
    await admin.end();
  });

  // A failover ends every call in flight; a killer may end one while the pool's other connections stay open.
  it.each([
    ['pg', 1],
    ['pg', 3],
    ['postgres.js', 1],
    ['postgres.js', 3],
  ] as const)('%s, %i of three calls ended: the next ten rounds of three calls at once are all answered', async (driver, ended) => {
    const store = postgresStore({ pool: pools[driver], schema, listen: false, statementTimeout: 10_000 });
    const sessions = createSessionManager({ store, storeTimeout: 10_000 });
    const users = ['ada', 'bob', 'cy'].map((name) => `${name}-${driver}-${ended}`);
    const kept = await Promise.all(users.map(async (userId) => (await sessions.create({ userId })).session.id));
    const holder = await admin.connect();
    let first: string[];
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".sessions_owners WHERE scope = 'u' AND owner = ANY($1) FOR UPDATE`, [users]);
      const calls = users.slice(0, ended).map((userId, index) =>
        sessions.revokeOthers(userId, kept[index]!).then(
          () => 'answered',
          (error: { code?: string }) => String(error.code),
        ),
      );
      let pids: number[] = [];
      for (let look = 0; look < 500 && pids.length < ended; look++) {
        const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [`%${schema}%apply%`]);
        pids = rows.map((row: { pid: number }) => row.pid);
      }
      expect(pids).toHaveLength(ended);
      for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      first = await Promise.all(calls);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(first).toEqual(Array.from({ length: ended }, () => 'STORE_UNAVAILABLE'));
    const rounds: string[][] = [];
    for (let round = 0; round < 10; round++) {
      rounds.push(await Promise.all(users.map((userId) => sessions.list(userId).then((views) => `listed ${views.length}`, (error: Error) => error.message))));
    }
    await sessions.close();
    expect(rounds).toEqual(Array.from({ length: 10 }, () => ['listed 1', 'listed 1', 'listed 1']));
  }, 60_000);
});

describe.skipIf(!up)("postgres store: the server ended the pool's idle connections", () => {
  const admin = testPool({ max: 2 });
  const schema = freshSchema('idle_ended');
  beforeAll(async () => {
    await postgresStore({ pool: admin, schema, listen: false }).migrate();
  });
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await admin.end();
  });

  // An idle-session timeout, a failover or a proxy ends connections the pool holds idle; the pool learns it only by using them.
  // Each round: a pool whose six connections all served the store, ended by the server, then `calls` calls at once. (Not on
  // postgres.js: it fetches types on each new connection and holds no promise of that fetch, so ending one then is an unhandled
  // rejection inside postgres.js.)
  it.each([
    [1, 10],
    [30, 3],
  ])('pg, %i call(s) at once right after: every call is answered, on a connection the server had not ended', async (calls, rounds) => {
    const [answers, userId] = [[] as string[], `ada-${calls}`];
    for (let round = 0; round < rounds; round++) {
      // A name per round: the backends of the last round's pool, just closed, may still be listed as idle for a moment.
      const application = `idle-ended-${calls}-${round}`;
      const pool = testPool({ max: 6, application_name: application });
      const sessions = createSessionManager({ store: postgresStore({ pool, schema, listen: false }) });
      try {
        if (round === 0) await sessions.create({ userId });
        await Promise.all(Array.from({ length: 6 }, () => sessions.list(userId)));
        const { rowCount } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle'", [application]);
        expect(rowCount).toBe(6);
        const listed = Array.from({ length: calls }, () => sessions.list(userId).then((views) => `listed ${views.length}`, (error: { code?: string }) => String(error.code)));
        answers.push(...(await Promise.all(listed)));
      } finally {
        await sessions.close();
        await pool.end();
      }
    }
    expect(answers).toEqual(Array.from({ length: calls * rounds }, () => 'listed 1'));
  }, 60_000);
});

describe('postgres store: a connection the server ended, as pg reports it', () => {
  // The severity pg reads is the one PostgreSQL translates under lc_messages: the SQLSTATE says it as well.
  it.each([['en', 'FATAL'], ['ru', 'ВАЖНО'], ['zh_CN', '致命错误']])('%s: FATAL 57P01 retires the connection; a unique violation does not', (_locale, severity) => {
    const dialect = postgresPool(new pg.Pool(), true);
    const ended = Object.assign(new pg.DatabaseError('terminating connection due to administrator command', 0, 'error'), { code: '57P01', severity });
    const unique = Object.assign(new pg.DatabaseError('duplicate key value violates unique constraint', 0, 'error'), { code: '23505', severity: 'ERROR' });
    expect([dialect.breaks(ended), dialect.breaks(unique)]).toEqual([true, false]);
  });
});

describe.skipIf(!up)('postgres store on postgres.js: a connection the network reset during a call', () => {
  // A proxy in front of the server, so the test can reset the store's socket (ECONNRESET, not a close postgres.js names).
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const server = net.connect(5432, '127.0.0.1');
    sockets.add(client);
    client.on('close', () => (sockets.delete(client), server.destroy()));
    server.on('close', () => client.destroy());
    client.on('error', () => undefined);
    server.on('error', () => undefined);
    client.pipe(server).pipe(client);
  });
  const admin = testPool({ max: 2 });
  const schema = freshSchema('reset');
  let sql: ReturnType<typeof testPostgresJs> | undefined;
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await sql?.end({ timeout: 1 });
    await admin.end();
    proxy.close();
  });

  it('the calls after the reset one are answered', async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    sql = testPostgresJs(`postgres://postgres@127.0.0.1:${(proxy.address() as net.AddressInfo).port}/test`, { max: 1, onnotice: () => undefined });
    const store = postgresStore({ pool: sql, schema, listen: false, statementTimeout: 3_000 });
    await store.migrate();
    const sessions = createSessionManager({ store, storeTimeout: 3_000 });
    const { session } = await sessions.create({ userId: 'ada' });
    const holder = await admin.connect();
    let first: string;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".sessions_owners WHERE scope = 'u' AND owner = 'ada' FOR UPDATE`);
      const call = sessions.revokeOthers('ada', session.id).then(() => 'answered', (error: { code?: string }) => String(error.code));
      let waiting = false;
      for (let look = 0; look < 500 && !waiting; look++) {
        const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [`%${schema}%apply%`]);
        waiting = rows.length > 0;
      }
      expect(waiting).toBe(true);
      for (const socket of sockets) socket.resetAndDestroy();
      first = await call;
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(first).toBe('STORE_UNAVAILABLE');
    const next: string[] = [];
    for (let round = 0; round < 3; round++) next.push(await sessions.list('ada').then((views) => `listed ${views.length}`, (error: { code?: string }) => String(error.code)));
    await sessions.close();
    expect(next).toEqual(['listed 1', 'listed 1', 'listed 1']);
  }, 30_000);
});
