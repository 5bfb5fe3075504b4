// Command-line and environment options of `npm run bench`.
//
//   npm run bench                          everything, written to test/bench/results/latest.md
//   npm run bench -- --quick               a short smoke run of everything (printed, not written)
//   npm run bench -- --only=http           sections: validate, roundtrips, tokens, heap, signout, propagation, prune, http
//   npm run bench -- --only=http --frameworks=fastify,koa
//   npm run bench -- --stores=memory,sqlite
//   npm run bench -- --write               also write latest.md for a quick or partial run
//   npm run bench -- --only=http --controls  add each framework's control row: an async hook
//                                          that attaches a user and does nothing else
//   npm run bench -- --render              rewrite latest.md from the last run that wrote it (results/last-run.json;
//                                          a partial run without --write keeps its results in last-partial-run.json)
//   npm run bench -- --profile             CPU-profile the validation loop and each framework's
//                                          server (a full run profiles every framework's server)
//   npm run bench -- --baseline=<dir>      also measure another build in the same run (a copy of
//                                          its dist/ under the repository, e.g. test/bench/.dist-baseline):
//                                          memory and Redis validation, and each framework's
//                                          lib:memory row, for a before/after table
//
// Instructions per request of one server under callgrind (not part of `npm run bench`):
//   node test/bench/http/instructions.mjs <framework> <variant>
// Redis time per validation by the shape of the read, at two keyspace sizes (not part of it either):
//   taskset -c 1 node test/bench/redis-shapes.mjs
// Back-channel logout, from the provider's logout to the refusal on a second instance (nor this):
//   node test/bench/backchannel.mjs
// The library's functions one signed-in Express request runs through, with call counts (nor this):
//   node test/bench/hot-path-trace.mjs
//
// Environment: BENCH_ONLY, BENCH_QUICK=1, BENCH_STORES, BENCH_FRAMEWORKS, REDIS_URL
// (default redis://127.0.0.1:6379), PGHOST/PGPORT/PGUSER/PGDATABASE (default 127.0.0.1:5432,
// postgres, test).

import { resolve } from 'node:path';

export const SECTIONS = ['validate', 'roundtrips', 'tokens', 'heap', 'signout', 'propagation', 'prune', 'http'];
export const STORES = ['memory', 'sqlite', 'redis', 'ioredis', 'postgres'];
export const FRAMEWORKS = ['express', 'fastify', 'koa'];

/** Sizes and durations of a full run, and of a `--quick` smoke run. */
const PROFILES = {
  full: {
    validateSeconds: 3,
    validateWarmupSeconds: 1,
    inFlight: 50,
    tokenSeconds: 2,
    heapSessions: 1_000_000,
    signoutSessions: 10_000,
    // Redis prunes a page of buckets at a time (two round trips each page): 20,000 rows of 20,000 users is enough to see its rate.
    pruneRows: { memory: 1_000_000, sqlite: 200_000, redis: 20_000, ioredis: 20_000, postgres: 1_000_000 },
    httpWarmupSeconds: 5,
    httpRunSeconds: 8,
    httpRuns: 3,
    httpConnections: 50,
  },
  quick: {
    validateSeconds: 0.5,
    validateWarmupSeconds: 0.2,
    inFlight: 50,
    tokenSeconds: 0.3,
    heapSessions: 50_000,
    signoutSessions: 2_000,
    pruneRows: { memory: 10_000, sqlite: 5_000, redis: 2_000, ioredis: 2_000, postgres: 20_000 },
    httpWarmupSeconds: 0.5,
    httpRunSeconds: 1,
    httpRuns: 1,
    httpConnections: 50,
  },
};

function list(value, known, name) {
  if (value === undefined || value === '' || value === 'all') return [...known];
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of items) if (!known.includes(item)) throw new Error(`Unknown ${name} "${item}" (known: ${known.join(', ')}).`);
  return items;
}

/** Parses `--name=value` / `--flag` arguments over BENCH_* environment variables. */
export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  const flags = new Map();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`Unknown argument "${arg}". Try --quick, --only=http, --stores=memory,redis, --frameworks=express, --write.`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const quick = flags.has('quick') || env.BENCH_QUICK === '1';
  const only = flags.get('only') ?? env.BENCH_ONLY;
  const sections = list(only, SECTIONS, 'section');
  const stores = list(flags.get('stores') ?? env.BENCH_STORES, STORES, 'store');
  const frameworks = list(flags.get('frameworks') ?? env.BENCH_FRAMEWORKS, FRAMEWORKS, 'framework');
  const complete = !quick && only === undefined && !flags.has('stores') && !flags.has('frameworks');
  const profile = { ...PROFILES[quick ? 'quick' : 'full'] };
  if (flags.has('runs')) profile.httpRuns = Number(flags.get('runs'));
  if (flags.has('duration')) profile.httpRunSeconds = Number(flags.get('duration'));
  if (flags.has('warmup')) profile.httpWarmupSeconds = Number(flags.get('warmup'));
  if (flags.has('connections')) profile.httpConnections = Number(flags.get('connections'));
  return {
    quick,
    sections,
    stores,
    frameworks,
    complete,
    write: complete || flags.has('write'),
    cpuProfile: flags.has('profile'),
    controls: flags.has('controls'),
    render: flags.has('render'),
    baseline: flags.has('baseline') ? resolve(flags.get('baseline')) : undefined,
    profile,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    pg: {
      host: env.PGHOST ?? '127.0.0.1',
      port: Number(env.PGPORT ?? 5432),
      user: env.PGUSER ?? 'postgres',
      database: env.PGDATABASE ?? 'test',
    },
  };
}
