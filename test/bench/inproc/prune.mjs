// Prune throughput: `rows` expired sessions deleted by repeated prune({ limit: 10,000 })
// calls (one bounded batch each) until none is left. Rows per second over the whole run and
// the longest single batch (how long one prune call holds the store).
// PostgreSQL: the rows are inserted directly with generate_series (already expired), then
// ANALYZEd as autovacuum would. Other stores: sessions made through create(), then pruned by
// a manager whose clock is 31 days ahead (Redis keys are removed by the prune, not their TTL).
//   node test/bench/inproc/prune.mjs <store> <rows>
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { forEachConcurrently } from '../lib/load.mjs';
import { openStore } from '../lib/stores.mjs';

const [kind, rowsArg = '100000'] = process.argv.slice(2);
const rows = Number(rowsArg);
const BATCH = 10_000;
const DAY = 86_400_000;
const { createSessionManager } = await import(join(DIST, 'index.js'));
const opened = await openStore(kind, `prune_${kind}`);
try {
  const fillStarted = performance.now();
  let pruner;
  if (kind === 'postgres') {
    const table = `"${opened.names.pgSchema}"."sessions"`;
    const now = Date.now();
    await opened.pool.query(
      `INSERT INTO ${table} (id, user_id, kind, expires_at, last_used_at, authenticated_at, record)
       SELECT 'pr' || lpad(g::text, 20, '0'), 'user-' || (g % 100000), 'browser', $1::bigint - ${DAY}::bigint + g,
              $1::bigint - 31 * ${DAY}::bigint + g, $1::bigint - 31 * ${DAY}::bigint + g,
              json_build_object('createdAt', $1::bigint - 31 * ${DAY}::bigint + g, 'secretHash', translate(encode(sha256(g::text::bytea), 'base64'), '+/=', '-_'))::text
         FROM generate_series(1, $2::int) AS g`,
      [now, rows],
    );
    await opened.pool.query(`ANALYZE ${table}`);
    pruner = createSessionManager({ store: opened.store });
  } else {
    const maker = createSessionManager({ store: opened.store });
    await forEachConcurrently(rows, kind === 'memory' || kind === 'sqlite' ? 1 : 50, async (index) => {
      await maker.create({ userId: `user-${index % 100_000}` });
    });
    pruner = createSessionManager({ store: opened.store, clock: () => Date.now() + 31 * DAY });
  }
  const fillSeconds = (performance.now() - fillStarted) / 1_000;

  let deleted = 0;
  let longest = 0;
  let batches = 0;
  const started = performance.now();
  for (;;) {
    const batchStarted = performance.now();
    const count = await pruner.prune({ limit: BATCH });
    longest = Math.max(longest, performance.now() - batchStarted);
    batches++;
    deleted += count;
    if (count < BATCH) break;
  }
  const seconds = (performance.now() - started) / 1_000;
  if (deleted !== rows) throw new Error(`prune deleted ${deleted} rows, expected ${rows}`);
  report({ kind, rows, deleted, seconds, rate: deleted / seconds, longestBatchMs: longest, batches, fillSeconds });
} finally {
  await opened.close();
}
