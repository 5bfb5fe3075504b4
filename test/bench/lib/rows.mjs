// A run's results as the rows of the one table.
import { addedMicros, ADDED_BUDGET, PEER_BUDGET, BASELINE_LABEL, httpRow, pairedRatios, REDIS_TIME_BUDGET, redisRuns, title, VALIDATE_BUDGET } from './budgets.mjs';
import { fixed, int, ms, percent } from './format.mjs';
import { STORE_LABELS } from './stores.mjs';

const VARIANT_LABELS = {
  bare: 'bare (no session)',
  'control:hook': 'control: async hook attaching a user, no session',
  'control:guard': 'control: that hook and a route guard before the handler, no session',
  'control:budget': 'control: a hook computing for the budget\'s time (calibrated at start-up), no session',
  'lib:memory': 'this library, memory',
  'lib:redis': 'this library, Redis (node-redis)',
  'lib:ioredis': 'this library, Redis (ioredis)',
  'lib:postgres': 'this library, PostgreSQL',
  'lib:sqlite': 'this library, SQLite',
  'express-session:memory': 'express-session, MemoryStore',
  'express-session:redis': 'express-session + connect-redis',
  '@fastify/session:memory': '@fastify/session, MemoryStore',
  'koa-session:store': 'koa-session, external store (Map)',
  [BASELINE_LABEL]: 'this library, memory, baseline build (before)',
};

function ratioText(row, bare) {
  if (row.variant === 'bare') return '100%';
  if (bare === undefined) return '—';
  const { rps, cpu } = pairedRatios(row, bare);
  return `${percent(rps)} (CPU ${percent(cpu)})`;
}

/** ` (median of 2.71, 2.80, 2.72)` for Redis time measured in rounds; nothing for a run of one. */
const roundsText = (time) => (time.rounds === undefined ? '' : ` (median of ${redisRuns(time)})`);

/** `{ rate, cpuRate }` as "123,456/s (234,567 per CPU-s)". */
const rate = (value) => `${int(value.rate)}/s (${int(value.cpuRate)} per CPU-s)`;

export function toRows(results, budgets) {
  const status = (id) => budgets.find((budget) => budget.id === id)?.status;
  const mark = (id, text) => {
    const value = status(id);
    return value === undefined || value === 'not measured' ? '' : `${text}: ${value}`;
  };
  const rows = [];

  const redisTime = (value) => (value.redis === undefined ? '' : `; Redis server ${value.redis.usec.toFixed(2)} µs per validation${roundsText(value.redis)}`);
  for (const [kind, value] of Object.entries(results.validate ?? {})) {
    rows.push({
      area: 'validate',
      case: `cookie token, ${STORE_LABELS[kind]}`,
      result: `${rate(value.serial)} one at a time; ${rate(value.concurrent)} with ${value.inFlight} in flight${redisTime(value)}`,
      budget: kind === 'memory' ? mark('validate', `>= ${VALIDATE_BUDGET / 1000}k/CPU-s`) : kind === 'redis' || kind === 'ioredis' ? mark(`redis-time-${kind}`, `<= ${REDIS_TIME_BUDGET} µs Redis`) : '',
    });
  }
  for (const [kind, value] of Object.entries(results.validateBaseline ?? {})) {
    rows.push({
      area: 'validate',
      case: `cookie token, ${STORE_LABELS[kind]}, baseline build (before)`,
      result: `${rate(value.serial)} one at a time; ${rate(value.concurrent)} with ${value.inFlight} in flight${redisTime(value)}`,
    });
  }
  for (const [kind, value] of Object.entries(results.roundtrips ?? {})) {
    rows.push({
      area: 'round trips',
      case: `per validation, ${STORE_LABELS[kind]}`,
      result: `${value.perValidation} (${Object.keys(value.steady.names).join(', ')}), ${value.writesPerValidation} writes; touch due: ${value.touch.perValidation}`,
      budget: mark(`roundtrips-${kind}`, '1 round trip'),
    });
    // Runs saved before sign-ins were counted have none.
    if (value.signIn === undefined) continue;
    rows.push({
      area: 'round trips',
      case: `per sign-in, ${STORE_LABELS[kind]}`,
      result: `${value.signIn.perSignIn} (${Object.entries(value.signIn.names).map(([name, count]) => `${name} x${count}`).join(', ')})`,
      budget: mark(`signin-${kind}`, '<= 2 round trips'),
    });
  }
  if (results.tokens !== undefined) {
    for (const alg of ['HS256', 'EdDSA']) {
      const value = results.tokens[alg];
      rows.push({ area: 'access token', case: `verify ${alg}, re-presented (warm)`, result: rate(value.warm), budget: mark('tokens', '>= 100k/s') });
      rows.push({ area: 'access token', case: `verify ${alg}, cold (signature every call)`, result: rate(value.cold) });
      rows.push({ area: 'access token', case: `jose jwtVerify ${alg}, same token (bare)`, result: rate(value.jose) });
    }
  }
  if (results.heap !== undefined) {
    const heap = results.heap;
    rows.push({
      area: 'heap',
      case: `memory store, ${int(heap.count)} sessions of ${int(heap.users)} users, each sign-in with its activity entry and known device`,
      result: `${int(heap.heapUsed)} B heapUsed, ${fixed(heap.external, 1)} B external, ${fixed(heap.arrayBuffers, 1)} B arrayBuffers, ${int(heap.rss)} B RSS per session`,
    });
  }
  if (results.heapSessions !== undefined) {
    const heap = results.heapSessions;
    rows.push({
      area: 'heap',
      case: `memory store, ${int(heap.count)} sessions of ${int(heap.users)} users, the session rows alone (a store without activity)`,
      result: `${int(heap.heapUsed)} B heapUsed, ${fixed(heap.external, 1)} B external, ${fixed(heap.arrayBuffers, 1)} B arrayBuffers, ${int(heap.rss)} B RSS per session`,
      budget: mark('heap', '<= 1 KB'),
    });
  }
  for (const [kind, value] of Object.entries(results.signout ?? {})) {
    const limit = { memory: 5, redis: 50, ioredis: 50, postgres: 50 }[kind];
    rows.push({
      area: 'sign out everywhere',
      case: `${int(value.count)} sessions, ${STORE_LABELS[kind]}`,
      result: `${ms(value.first)} first call, ${ms(value.median)} median of 5 more; ${int(value.refused)} refused`,
      budget: limit === undefined ? '' : mark(`signout-${kind}`, `< ${limit} ms`),
    });
  }
  for (const [kind, value] of Object.entries(results.propagation ?? {})) {
    rows.push({
      area: 'propagation',
      case: `revocation seen by a second instance's access-token cache, ${STORE_LABELS[kind]}`,
      result: `${ms(value.median)} median, ${ms(value.p95)} p95, ${ms(value.max)} max of ${int(value.samples)} (sign out everywhere ${ms(value.everywhere)}, one session ${ms(value.single)}, medians)`,
      budget: mark('propagation', '< 50 ms'),
    });
  }
  for (const [kind, value] of Object.entries(results.prune ?? {})) {
    rows.push({
      area: 'prune',
      case: `${int(value.rows)} expired rows, ${STORE_LABELS[kind]}`,
      result: `${int(value.rate)} rows/s; ${value.batches} batches of <= 10,000, longest ${ms(value.longestBatchMs)}`,
    });
  }
  for (const [framework, measured] of Object.entries(results.http ?? {})) {
    const bare = httpRow(results, framework, 'bare');
    for (const row of measured) {
      const budget = [];
      const label = row.label ?? row.variant;
      const measuredBuild = label === row.variant;
      if (row.variant === 'lib:memory' && measuredBuild) {
        budget.push(mark(`added-${framework}`, `adds <= ${ADDED_BUDGET[framework]} µs`));
        budget.push(mark(`added-control-${framework}`, `<= the budget control`));
      }
      if (row.variant === 'control:budget') budget.push(`${ADDED_BUDGET[framework]} µs of computation`);
      for (const [peer, ours] of Object.entries({ 'express-session:memory': 'lib:memory', 'express-session:redis': 'lib:redis', '@fastify/session:memory': 'lib:memory', 'koa-session:store': 'lib:memory' })) {
        if (measuredBuild && row.variant === ours && httpRow(results, framework, peer) !== undefined) budget.push(mark(`peer-${peer}`, `>= ${PEER_BUDGET}x ${peer.split(':')[0]}${peer.endsWith(':redis') ? '+redis' : ''}`));
      }
      const added = bare !== undefined && row.variant !== 'bare' ? addedMicros(row, bare) : undefined;
      rows.push({
        area: `HTTP ${title(framework)}`,
        case: VARIANT_LABELS[label] ?? label,
        result: `${int(row.rps)} req/s${row.problems.length > 0 ? ` (${[...new Set(row.problems)].join(', ')})` : ''}`,
        p99: `${row.p99} ms`,
        cpu: row.cpuPerRequest === undefined ? '—' : `${fixed(row.cpuPerRequest)} µs${added === undefined ? '' : ` (${added >= 0 ? '+' : ''}${fixed(added)})`}`,
        ratio: ratioText(row, bare),
        budget: budget.filter(Boolean).join('; '),
      });
    }
  }
  for (const skipped of results.skipped ?? []) rows.push({ area: skipped.area, case: skipped.case, result: `not run: ${skipped.reason}` });
  return rows;
}
