// How long a revocation takes to reach a second instance's cached access-token state through
// the store's publish channel (Redis pub/sub, PostgreSQL LISTEN/NOTIFY): two managers on one
// store namespace, each with its own client, the cache trusted for 60 s, so only the notice can
// end the cached state in time. Per sample: the second instance caches the user's epochs, the
// first signs the user out everywhere, and the time from revokeAll returning to the second
// instance refusing the token is measured. Half the samples revoke one session (deny-list).
//   node test/bench/inproc/propagation.mjs <redis|postgres> <samples>
import { join } from 'node:path';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { median } from '../lib/load.mjs';
import { openStore } from '../lib/stores.mjs';

const [kind, samplesArg = '40'] = process.argv.slice(2);
const samples = Number(samplesArg);
const { createSessionManager } = await import(join(DIST, 'index.js'));
const options = { accessTokens: { secret: 'a-benchmark-secret-of-32-bytes!!' }, epochCacheTtl: 60_000 };
// One run id for both opens, so both instances use the same namespace.
process.env.BENCH_RUN_ID ??= `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const one = await openStore(kind, `propagation_${kind}`);
const two = await openStore(kind, `propagation_${kind}`);
const first = createSessionManager({ store: one.store, ...options });
const second = createSessionManager({ store: two.store, ...options });

// Polls without sleeping a timer tick, so the measure is not rounded up to a millisecond.
async function until(check, limitMs) {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

async function sample(index, bySession) {
  const userId = `propagation-${index}`;
  const { session } = await first.create({ userId, kind: 'api' });
  const jwt = await first.issueAccessToken(session);
  if (!(await second.verifyAccessToken(jwt)).ok) throw new Error('a fresh token was refused');
  if (bySession) await first.revoke(session.id);
  else await first.revokeAll(userId, { kinds: ['api'] });
  return until(async () => !(await second.verifyAccessToken(jwt)).ok, 5_000);
}

try {
  // The second instance's subscription comes up in the background: wait until it hears one.
  await until(async () => {
    try {
      await sample(-1, false);
      return true;
    } catch {
      return false;
    }
  }, 10_000);
  const everywhere = [];
  const single = [];
  for (let index = 0; index < samples; index++) (index % 2 === 0 ? everywhere : single).push(await sample(index, index % 2 === 1));
  const all = [...everywhere, ...single].sort((a, b) => a - b);
  report({
    kind,
    samples: all.length,
    median: median(all),
    p95: all[Math.min(all.length - 1, Math.floor(all.length * 0.95))],
    max: all[all.length - 1],
    everywhere: median(everywhere),
    single: median(single),
  });
} finally {
  await second.close();
  await first.close();
  await two.close();
  await one.close();
}
