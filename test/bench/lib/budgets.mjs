// The library's performance budgets (listed with their numbers in the report), judged from a run's
// results. Each: { id, text, status: 'met' | 'missed' | 'not measured', measured }.
import { int, ms, percent } from './format.mjs';
import { median } from './load.mjs';

const PEERS = { express: ['express-session:memory', 'express-session:redis'], fastify: ['@fastify/session:memory'], koa: ['koa-session:store'] };
/** Which library row is compared with which peer row (same store kind where there is one). */
const PEER_OF = { 'express-session:memory': 'lib:memory', 'express-session:redis': 'lib:redis', '@fastify/session:memory': 'lib:memory', 'koa-session:store': 'lib:memory' };

const judge = (ok) => (ok ? 'met' : 'missed');

/** The row of `variant` on the build measured (not a `--baseline` row). */
export function httpRow(results, framework, variant, label = variant) {
  return results.http?.[framework]?.find((row) => row.variant === variant && (row.label ?? row.variant) === label);
}

/** The label of a row measured on the `--baseline` build. */
export const BASELINE_LABEL = 'lib:memory (baseline build)';

/** Server CPU per request `row` adds to `bare`: the median over rounds of the difference (µs). */
export function addedMicros(row, bare) {
  const rounds = Math.min(row.cpuRuns?.length ?? 0, bare.cpuRuns?.length ?? 0);
  const added = [];
  for (let round = 0; round < rounds; round++) {
    if (row.cpuRuns[round] !== undefined && bare.cpuRuns[round] !== undefined) added.push(row.cpuRuns[round] - bare.cpuRuns[round]);
  }
  return added.length > 0 ? median(added) : undefined;
}

/**
 * The budgets, stated here with their numbers (the report lists each as met or missed):
 * - memory-store validation: at least 600,000 per CPU-second, one call at a time, in-process;
 * - each framework with the middleware (memory store) adds at most ADDED_BUDGET µs of server
 *   CPU per request to the same framework without sessions, and answers at least PEER_BUDGET
 *   times the requests per second of its peer session libraries measured in the same run;
 * - Redis: at most 3 µs of Redis's own time per validation (INFO commandstats);
 * - Redis and PostgreSQL: one round trip per validation, no write but the throttled touch; at
 *   most two per sign-in of a user no other call is changing;
 * - sign out everywhere of 10,000 sessions: < 5 ms in memory, < 50 ms in Redis or PostgreSQL;
 * - memory store: at most 1 KB (1,024 B) of heap per session at 1,000,000 sessions (the session rows; the
 *   activity log beside them is reported apart);
 * - access tokens: at least 100,000 verifications per CPU-second of a re-presented token.
 */
export const VALIDATE_BUDGET = 600_000;

/** Each run's Redis time of a validation result, as "2.71, 2.80, 2.72"; undefined for a run of one. */
export const redisRuns = (time) => time.rounds?.map((usec) => usec.toFixed(2)).join(', ');
export const ADDED_BUDGET = { express: 12, fastify: 6, koa: 6 };
/** How many times its peer session library's requests per second this library answers, at least. */
export const PEER_BUDGET = 1.5;
export const REDIS_TIME_BUDGET = 3;

/**
 * How `row` compares with `base`, round by round (the two ran minutes apart at most, under the
 * same machine load), as the median over rounds: req/s over req/s, and base's CPU per request
 * over row's (> 1: row is cheaper). Paired like this, a change of load between rounds cancels.
 */
export function pairedRatios(row, base) {
  const rounds = Math.min(row.runs.length, base.runs.length);
  const rps = [];
  const cpu = [];
  for (let round = 0; round < rounds; round++) {
    rps.push(row.runs[round] / base.runs[round]);
    if (row.cpuRuns?.[round] !== undefined && base.cpuRuns?.[round] !== undefined) cpu.push(base.cpuRuns[round] / row.cpuRuns[round]);
  }
  return { rps: median(rps), cpu: cpu.length > 0 ? median(cpu) : undefined };
}

export function evaluateBudgets(results) {
  const budgets = [];
  const add = (id, text, measured, ok) => budgets.push({ id, text, measured: measured ?? '—', status: measured === undefined ? 'not measured' : judge(ok) });

  const memory = results.validate?.memory;
  // "On one core": calls one at a time, judged per second of CPU time, which other processes
  // on a shared machine do not depress; the wall-clock rate and 50 in flight are shown beside.
  const edge = (value, limit) => (Math.abs(value - limit) / limit < 0.1 ? ' — within 10% of the budget: at its edge on this machine' : '');
  add(
    'validate',
    `Cookie validation with the memory store >= ${int(VALIDATE_BUDGET)} per CPU-second on one core, in-process`,
    memory && `${int(memory.serial.cpuRate)} per CPU-second one at a time (${int(memory.serial.rate)}/s wall clock); ${int(memory.concurrent.cpuRate)} per CPU-second with ${memory.inFlight} in flight${edge(memory.serial.cpuRate, VALIDATE_BUDGET)}`,
    memory && memory.serial.cpuRate >= VALIDATE_BUDGET,
  );

  for (const kind of ['redis', 'ioredis']) {
    const time = results.validate?.[kind]?.redis;
    const calls = time && Object.entries(time.commands).map(([name, value]) => `${name} ${value.calls.toFixed(2)} calls, ${value.usec.toFixed(2)} µs`).join('; ');
    add(
      `redis-time-${kind}`,
      `Redis (${kind === 'redis' ? 'node-redis' : 'ioredis'}): <= ${REDIS_TIME_BUDGET} µs of Redis server time per validation (INFO commandstats, 50 in flight, the median of three runs)`,
      time && `${time.usec.toFixed(2)} µs per validation${time.rounds === undefined ? '' : ` (runs: ${redisRuns(time)})`} (${calls} per validation in the median run)`,
      time && time.usec <= REDIS_TIME_BUDGET,
    );
  }

  for (const framework of ['express', 'fastify', 'koa']) {
    const bare = httpRow(results, framework, 'bare');
    const lib = httpRow(results, framework, 'lib:memory');
    const ratio = bare && lib ? pairedRatios(lib, bare) : undefined;
    const added = bare && lib ? addedMicros(lib, bare) : undefined;
    add(
      `added-${framework}`,
      `${title(framework)} with the middleware (memory store) adds <= ${ADDED_BUDGET[framework]} µs of server CPU per request to bare ${title(framework)}`,
      added === undefined ? undefined : `${signed(added)} µs (median over rounds of the per-round difference); ${percent(ratio.rps)} of bare's req/s`,
      added <= ADDED_BUDGET[framework],
    );
    // The same budget against a known quantity: the control that computes for the budget's time.
    // Server CPU per request pays more than the work itself (the kernel's wake-ups of the load
    // generator grow as a server slows), so the control shows what the budget's work measures as.
    const yardstick = httpRow(results, framework, 'control:budget');
    const yardstickAdded = bare && yardstick ? addedMicros(yardstick, bare) : undefined;
    if (yardstickAdded !== undefined && added !== undefined) {
      add(
        `added-control-${framework}`,
        `${title(framework)} with the middleware (memory store) costs the server no more than ${ADDED_BUDGET[framework]} µs of computation per request does (the budget control: bare with a hook that computes for ${ADDED_BUDGET[framework]} µs, calibrated at start-up, measured in the same rounds)`,
        `the library ${signed(added)} µs, the control ${signed(yardstickAdded)} µs (each the median over rounds of the per-round difference with bare)`,
        added <= yardstickAdded,
      );
    }
    for (const peer of PEERS[framework]) {
      const peerRow = httpRow(results, framework, peer);
      const ours = httpRow(results, framework, PEER_OF[peer]);
      const ahead = peerRow && ours ? pairedRatios(ours, peerRow) : undefined;
      add(
        `peer-${peer}`,
        `${title(framework)}: this library (${PEER_OF[peer].slice(4)}) >= ${PEER_BUDGET}x the req/s of ${peer.replace(':store', ' (external store)').replace(':memory', ' (memory store)').replace(':redis', ' + connect-redis')}`,
        ahead === undefined ? undefined : `${ahead.rps.toFixed(2)}x its req/s, ${ahead.cpu?.toFixed(2)}x less server CPU per request`,
        ahead?.rps >= PEER_BUDGET,
      );
    }
  }

  for (const kind of ['redis', 'ioredis', 'postgres', 'mysql']) {
    const trips = results.roundtrips?.[kind];
    const label = { postgres: 'PostgreSQL', mysql: 'MariaDB/MySQL', redis: 'Redis (node-redis)', ioredis: 'Redis (ioredis)' }[kind];
    add(`roundtrips-${kind}`, `${label}: one round trip per validated request, no write but a throttled touch`, trips && `${trips.perValidation} calls and ${trips.writesPerValidation} writes per validation; first request after touchInterval: ${trips.touch.perValidation} calls`, trips && trips.perValidation === 1 && trips.writesPerValidation === 0 && trips.afterTouch.writes === 0);
    add(`signin-${kind}`, `${label}: at most two round trips per uncontended sign-in`, trips?.signIn && `${trips.signIn.perSignIn} calls per sign-in (${Object.keys(trips.signIn.names).join(', ')})`, trips?.signIn && trips.signIn.perSignIn <= 2);
  }

  for (const [kind, limit] of [['memory', 5], ['redis', 50], ['ioredis', 50], ['postgres', 50]]) {
    const signout = results.signout?.[kind];
    add(`signout-${kind}`, `Sign out everywhere, 10,000 sessions, ${kind}: < ${limit} ms, all refused when it returns`, signout && signout.count >= 10_000 ? `${ms(signout.first)} (first call), all ${int(signout.refused)} refused` : undefined, signout && signout.first < limit);
  }

  // The session rows: the account-activity log kept beside them (one entry per sign-in, kept 90
  // days) is reported on its own row, not judged by this budget.
  const heap = results.heapSessions;
  add('heap', 'Memory store <= 1 KB of heap per session at 1M sessions (the session rows)', heap && heap.count >= 1_000_000 ? `${int(heap.heapUsed)} B heapUsed + ${int(heap.external)} B external per session` : undefined, heap && heap.heapUsed + heap.external <= 1_024);

  const tokens = results.tokens;
  add('tokens', 'Access tokens: >= 100,000 verifications/s for a re-presented token', tokens && `HS256 ${int(tokens.HS256.warm.cpuRate)}, EdDSA ${int(tokens.EdDSA.warm.cpuRate)} per CPU-second (${int(tokens.HS256.warm.rate)}/s and ${int(tokens.EdDSA.warm.rate)}/s wall clock)`, tokens && Math.min(tokens.HS256.warm.cpuRate, tokens.EdDSA.warm.cpuRate) >= 100_000);

  const propagation = Object.entries(results.propagation ?? {});
  add(
    'propagation',
    'Revocation seen by a second instance < 50 ms with pub/sub (p95)',
    propagation.length === 0 ? undefined : propagation.map(([kind, value]) => `${kind}: ${ms(value.p95)} p95 (${ms(value.median)} median)`).join('; '),
    propagation.every(([, value]) => value.p95 < 50),
  );
  return budgets;
}

/** A difference in µs as "+3.0" or "−13.4". */
const signed = (micros) => `${micros < 0 ? '−' : '+'}${Math.abs(micros).toFixed(1)}`;

export function title(framework) {
  return { express: 'Express 5', fastify: 'Fastify 5', koa: 'Koa 3' }[framework];
}
