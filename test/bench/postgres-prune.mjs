// Pruning throughput of the PostgreSQL store: fills a scratch schema with expired sessions
// (1,000,000 by default) and prunes them in bounded batches through the built store, while a
// reader keeps looking up a live session, to show that no batch holds a long lock.
//
//   node test/bench/postgres-prune.mjs [rows=1000000] [batch=10000]
//
// Needs PostgreSQL (POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test). Builds
// dist first when it is missing or stale; the scratch schema is dropped at the end.
import pg from 'pg';
import { ensureBuilt } from './lib/build.mjs';

const rows = Number(process.argv[2] ?? 1_000_000);
const batch = Number(process.argv[3] ?? 10_000);
const url = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FILL_CHUNK = 250_000;

ensureBuilt();
const { postgresStore } = await import('../../dist/postgres.js');

const pool = new pg.Pool({ connectionString: url, max: 4 });
const schema = `sr_bench_prune_${process.pid}`;
const table = `"${schema}"."sessions"`;
const store = postgresStore({ pool, schema, listen: false });

try {
  await store.migrate();
  const now = Date.now();
  let started = performance.now();
  for (let first = 1; first <= rows; first += FILL_CHUNK) {
    const last = Math.min(rows, first + FILL_CHUNK - 1);
    await pool.query(
      `INSERT INTO ${table} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at)
       SELECT 'x' || g, 'user-' || (g % 100000), 'browser', sha256(g::text::bytea), $1::bigint, $1::bigint, $1::bigint + g % 86400000
       FROM generate_series($2::int, $3::int) AS g`,
      [now - 86_400_000, first, last],
    );
  }
  const live = `live${process.pid}`;
  await pool.query(
    `INSERT INTO ${table} (id, user_id, kind, secret_hash, created_at, last_used_at, expires_at) VALUES ($1, 'reader', 'browser', '\\x00', $2, $2, $3)`,
    [live, now, now + 86_400_000],
  );
  await pool.query(`VACUUM ANALYZE ${table}`);
  console.log(`filled ${rows.toLocaleString('en')} expired rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // A reader looking up a live session the whole time: its slowest answer is the longest any
  // request waited on the pruner.
  let reading = true;
  let reads = 0;
  let slowestRead = 0;
  const reader = (async () => {
    while (reading) {
      const at = performance.now();
      if ((await store.get(live)) === null) throw new Error('the live session was pruned');
      slowestRead = Math.max(slowestRead, performance.now() - at);
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  let deleted = 0;
  let batches = 0;
  let slowestBatch = 0;
  started = performance.now();
  for (;;) {
    const at = performance.now();
    const count = await store.prune({ now, limit: batch });
    slowestBatch = Math.max(slowestBatch, performance.now() - at);
    if (count === 0) break;
    if (count > batch) throw new Error(`a batch deleted ${count} rows, more than ${batch}`);
    deleted += count;
    batches += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  reading = false;
  await reader;
  if (deleted !== rows) throw new Error(`pruned ${deleted} rows, expected ${rows}`);
  console.log(
    `pruned ${deleted.toLocaleString('en')} rows in ${batches} batches of <= ${batch.toLocaleString('en')}: ` +
      `${seconds.toFixed(1)} s, ${Math.round(deleted / seconds).toLocaleString('en')} rows/s, slowest batch ${slowestBatch.toFixed(0)} ms`,
  );
  console.log(`a concurrent reader made ${reads} lookups meanwhile; slowest ${slowestRead.toFixed(1)} ms`);
} finally {
  await store.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
