import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { tableNames } from '../../adapters/postgres/identifiers.js';
import { createSessionManager } from '../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

const EXPIRED = 200_000;
const LIVE = 1_000;
const BATCH = 10_000;
const HOUR = 3_600_000;

describe.skipIf(!up)('postgres store: pruning', () => {
  const pool = testPool();
  const schema = freshSchema('prune');
  const names = tableNames(schema, 'sessions');
  const base = Date.now();
  let store: PostgresStore;

  // Rows straight from generate_series: the point is the DELETE side, and 200,000 creates
  // through the store would take minutes.
  const fill = async (): Promise<void> => {
    await pool.query(`TRUNCATE ${names.sessions}, ${names.epochs}, ${names.denied}`);
    await pool.query(
      `INSERT INTO ${names.sessions} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at, revoked_at, revoked_reason)
       SELECT 'x' || g, 'user-' || (g % 5000), 'browser', '\\x00'::bytea, $1::bigint, $1::bigint, $1::bigint + g % 3600,
              CASE WHEN g % 3 = 0 THEN $1::bigint + 1 END, CASE WHEN g % 3 = 0 THEN 'sign_out' END
       FROM generate_series(1, $2::int) AS g`,
      [base - HOUR, EXPIRED],
    );
    await pool.query(
      `INSERT INTO ${names.sessions} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at)
       SELECT 'live' || g, 'user-' || g, 'browser', '\\x00'::bytea, $1::bigint, $1::bigint, $1::bigint + 30 * 24 * $2::bigint
       FROM generate_series(1, $3::int) AS g`,
      [base, HOUR, LIVE],
    );
    await pool.query(
      `INSERT INTO ${names.epochs} (user_id, kind, epoch, high_water) SELECT 'user-' || g, 'browser', $1::bigint, $1::bigint FROM generate_series(1, 100) AS g`,
      [base - HOUR],
    );
    await pool.query(
      `INSERT INTO ${names.denied} (user_id, session_id, until)
       SELECT 'user-' || g, 'x' || g, CASE WHEN g <= 3000 THEN $1::bigint - 1 ELSE $1::bigint + $2::bigint END FROM generate_series(1, 3010) AS g`,
      [base, HOUR],
    );
    await pool.query(`ANALYZE ${names.sessions}`);
  };
  const count = async (table: string): Promise<number> => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  beforeAll(async () => {
    store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  it(`deletes ${EXPIRED.toLocaleString('en')} expired rows in batches of at most ${BATCH.toLocaleString('en')}`, async () => {
    await fill();
    const batches: number[] = [];
    let slowest = 0;
    const started = performance.now();
    for (;;) {
      const batchStart = performance.now();
      const deleted = await store.prune({ now: base, limit: BATCH });
      slowest = Math.max(slowest, performance.now() - batchStart);
      batches.push(deleted);
      if (deleted === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `pruned ${EXPIRED} rows in ${batches.length - 1} batches, ${seconds.toFixed(2)} s ` +
        `(${Math.round(EXPIRED / seconds)} rows/s, slowest batch ${slowest.toFixed(0)} ms)`,
    );
    // Every batch also ran under the store's 2 s deadline: no batch holds its locks for long.
    expect(batches.every((deleted) => deleted <= BATCH)).toBe(true);
    expect(batches.reduce((sum, deleted) => sum + deleted, 0)).toBe(EXPIRED);
    expect(batches).toHaveLength(EXPIRED / BATCH + 1);
    expect(await count(names.sessions)).toBe(LIVE);
    // Epochs are never pruned; deny-list entries go once they ran out, and only those.
    expect(await count(names.epochs)).toBe(100);
    expect(await count(names.denied)).toBe(10);
  }, 120_000);

  it('the manager prunes in store-sized batches and reports the total', async () => {
    await fill();
    const sessions = createSessionManager({ store, pruneBatchSize: BATCH, clock: () => base });
    const events: number[] = [];
    sessions.on('sessions.pruned', (event) => {
      events.push(event.count);
    });
    expect(await sessions.prune()).toBe(EXPIRED);
    expect(events).toEqual([EXPIRED]);
    expect(await count(names.sessions)).toBe(LIVE);
  }, 120_000);

  it('deletes old activity, known devices and expired links in the same bounded batches, sessions counted alone', async () => {
    await pool.query(`TRUNCATE ${names.sessions}, ${names.activity}, ${names.devices}, ${names.links}`);
    const OLD = 60_000;
    // Entries and devices of 5,000 users, half of them past the cut-off; links of which 40,000 ran out.
    await pool.query(
      `INSERT INTO ${names.activity} (id, user_id, type, at, reason)
       SELECT lpad(g::text, 15, '0'), 'user-' || (g % 5000), 'session.created', CASE WHEN g <= $2 THEN $1::bigint - g ELSE $1::bigint + g END, 'sign_in'
       FROM generate_series(1, $2::int * 2) AS g`,
      [base, OLD],
    );
    await pool.query(
      `INSERT INTO ${names.devices} (user_id, device_hash, last_seen_at)
       SELECT 'user-' || g, 'd' || g, CASE WHEN g <= $2 THEN $1::bigint - g ELSE $1::bigint + g END FROM generate_series(1, $2::int * 2) AS g`,
      [base, OLD],
    );
    await pool.query(
      `INSERT INTO ${names.links} (id, secret_hash, user_id, session_id, expires_at)
       SELECT 'l' || g, '\\x00'::bytea, 'user-' || g, 's' || g, CASE WHEN g <= 40000 THEN $1::bigint ELSE $1::bigint + 1 END FROM generate_series(1, 40010) AS g`,
      [base],
    );
    await pool.query(`ANALYZE ${names.activity}; ANALYZE ${names.devices}; ANALYZE ${names.links}`);
    const batches: number[][] = [];
    for (;;) {
      const before = [await count(names.activity), await count(names.devices), await count(names.links)];
      expect(await store.prune({ now: base, limit: BATCH, activityBefore: base, devicesBefore: base })).toBe(0);
      const after = [await count(names.activity), await count(names.devices), await count(names.links)];
      const deleted = before.map((value, index) => value - after[index]!);
      if (deleted.every((value) => value === 0)) break;
      batches.push(deleted);
    }
    // Every call ran under the store's 2 s deadline, and deleted at most one batch per table.
    expect(batches.every((deleted) => deleted.every((value) => value <= BATCH))).toBe(true);
    expect(batches).toHaveLength(OLD / BATCH);
    expect([await count(names.activity), await count(names.devices), await count(names.links)]).toEqual([OLD, OLD, 10]);
  }, 120_000);

  it('returns 0 at once while another instance holds the pruning lock', async () => {
    await pool.query(`TRUNCATE ${names.sessions}`);
    await pool.query(
      `INSERT INTO ${names.sessions} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at)
       SELECT 'y' || g, 'u', 'browser', '\\x00'::bytea, 1, 1, 2 FROM generate_series(1, 50) AS g`,
    );
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [names.pruneLockKey]);
      const started = performance.now();
      expect(await store.prune({ now: base, limit: BATCH })).toBe(0);
      expect(performance.now() - started).toBeLessThan(1_000);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await store.prune({ now: base, limit: BATCH })).toBe(50);
  });

  it('takes its lock per table: another store prunes its own tables meanwhile', async () => {
    const other = freshSchema('prune2');
    const otherStore = postgresStore({ pool, schema: other, listen: false });
    try {
      await otherStore.migrate();
      const otherNames = tableNames(other, 'sessions');
      expect(otherNames.pruneLockKey).not.toBe(names.pruneLockKey);
      await pool.query(
        `INSERT INTO ${otherNames.sessions} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at) VALUES ('z', 'u', 'browser', '\\x00', 1, 1, 2)`,
      );
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [names.pruneLockKey]);
        expect(await otherStore.prune({ now: base, limit: BATCH })).toBe(1);
        await holder.query('COMMIT');
      } finally {
        holder.release();
      }
    } finally {
      await otherStore.close();
      await dropSchemas(pool, [other]);
    }
  });
});
