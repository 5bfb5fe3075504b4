// `npm run bench`: builds dist if needed, runs every measurement in its own pinned child
// process, prints ONE table and writes test/bench/results/latest.md (full runs).
// Options: see lib/options.mjs (--quick, --only=<sections>, --stores=, --frameworks=, --write, --profile).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, snapshotDist } from './lib/build.mjs';
import { BASELINE_LABEL, evaluateBudgets, title } from './lib/budgets.mjs';
import { HAS_TASKSET, runChild } from './lib/child.mjs';
import { table } from './lib/format.mjs';
import { machineFacts, uptime } from './lib/machine.mjs';
import { parseOptions } from './lib/options.mjs';
import { renderReport, writeReport } from './lib/report.mjs';
import { toRows } from './lib/rows.mjs';
import { probeServices, storeReady } from './lib/services.mjs';
import { dropRunSchemas, deleteRedisPrefix, STORE_LABELS } from './lib/stores.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const LAST_RUN = join(HERE, 'results/last-run.json');
const LAST_PARTIAL_RUN = join(HERE, 'results/last-partial-run.json');
const IN_PROCESS_CORE = 1;
const log = (line) => console.error(`bench: ${line}`);

const options = parseOptions();
// --render: write latest.md again from the last run's saved results (after editing
// results/diagnosis.md), without measuring anything.
if (options.render) {
  const run = JSON.parse(readFileSync(LAST_RUN, 'utf8'));
  run.budgets = evaluateBudgets(run.results);
  run.tableText = table(toRows(run.results, run.budgets));
  log(`wrote ${writeReport(renderReport(run))} from ${LAST_RUN}`);
  process.exit(0);
}
const profileRequested = options.cpuProfile;
const started = performance.now();
const loadBefore = uptime();
log(`${options.quick ? 'quick' : options.complete ? 'full' : 'partial'} run: ${options.sections.join(', ')}; ${loadBefore}`);
if (!HAS_TASKSET) log('taskset is not available: processes are not pinned to cores.');

ensureBuilt(log);
process.env.BENCH_DIST = await snapshotDist({ log });
const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
process.env.BENCH_RUN_ID = runId;

const services = await probeServices();
for (const [name, state] of Object.entries(services)) if (state !== true) log(state);
const results = { skipped: [] };
const { profile } = options;

async function inProcess(area, label, script, args, { nodeFlags, timeoutMs = 300_000, env } = {}) {
  log(`${area}: ${label}`);
  try {
    return await runChild(join(HERE, script), args.map(String), { core: IN_PROCESS_CORE, nodeFlags, timeoutMs, env });
  } catch (error) {
    const reason = error.message.split('\n').find((line) => /Error|failed/.test(line)) ?? error.message.split('\n')[0];
    log(`${area} ${label} failed: ${error.message}`);
    results.skipped.push({ area, case: label, reason: reason.slice(0, 200) });
    return undefined;
  }
}

function storesFor(area, kinds = options.stores) {
  const ready = [];
  for (const kind of kinds) {
    const state = storeReady(kind, services);
    if (state === true) ready.push(kind);
    else results.skipped.push({ area, case: STORE_LABELS[kind], reason: state });
  }
  return ready;
}

async function cleanup() {
  if (services.redis === true) await deleteRedisPrefix(`srbench-${runId}_`).catch((error) => log(`Redis cleanup failed: ${error.message}`));
  if (services.postgres === true) await dropRunSchemas(runId).catch((error) => log(`PostgreSQL cleanup failed: ${error.message}`));
  for (const name of readdirSync(tmpdir())) if (name.startsWith(`srbench-${runId}_`)) rmSync(join(tmpdir(), name), { force: true });
}
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  cleanup().finally(() => process.exit(130));
});

try {
  if (options.sections.includes('validate')) {
    results.validate = {};
    for (const kind of storesFor('validate')) {
      const value = await inProcess('validate', STORE_LABELS[kind], 'inproc/validate.mjs', [kind, profile.validateSeconds, profile.validateWarmupSeconds, profile.inFlight]);
      if (value !== undefined) results.validate[kind] = value;
      if (options.baseline === undefined || !['memory', 'redis', 'ioredis'].includes(kind)) continue;
      const before = await inProcess('validate', `${STORE_LABELS[kind]}, baseline build`, 'inproc/validate.mjs', [kind, profile.validateSeconds, profile.validateWarmupSeconds, profile.inFlight], {
        env: { BENCH_DIST: options.baseline },
      });
      if (before !== undefined) (results.validateBaseline ??= {})[kind] = before;
    }
  }
  if (options.sections.includes('roundtrips')) {
    results.roundtrips = {};
    // MySQL is counted here only: its other rows are test/bench/mysql.mjs's.
    for (const kind of storesFor('round trips', [...options.stores.filter((kind) => ['redis', 'ioredis', 'postgres'].includes(kind)), 'mysql'])) {
      const value = await inProcess('round trips', STORE_LABELS[kind], 'inproc/roundtrips.mjs', [kind]);
      if (value !== undefined) results.roundtrips[kind] = value;
    }
  }
  if (options.sections.includes('tokens')) {
    results.tokens = await inProcess('access token', 'verifications', 'inproc/tokens.mjs', [profile.tokenSeconds]);
  }
  if (options.sections.includes('signout')) {
    results.signout = {};
    for (const kind of storesFor('sign out everywhere')) {
      const value = await inProcess('sign out everywhere', STORE_LABELS[kind], 'inproc/signout.mjs', [kind, profile.signoutSessions]);
      if (value !== undefined) results.signout[kind] = value;
    }
  }
  if (options.sections.includes('propagation')) {
    results.propagation = {};
    // Only the stores that publish revocations to other instances.
    for (const kind of storesFor('propagation', options.stores.filter((kind) => kind === 'redis' || kind === 'postgres'))) {
      const value = await inProcess('propagation', STORE_LABELS[kind], 'inproc/propagation.mjs', [kind, 40]);
      if (value !== undefined) results.propagation[kind] = value;
    }
  }
  if (options.sections.includes('prune')) {
    results.prune = {};
    for (const kind of storesFor('prune')) {
      const value = await inProcess('prune', STORE_LABELS[kind], 'inproc/prune.mjs', [kind, profile.pruneRows[kind]], { timeoutMs: 600_000 });
      if (value !== undefined) results.prune[kind] = value;
    }
  }
  if (options.sections.includes('heap')) {
    results.heap = await inProcess('heap', `memory store, ${profile.heapSessions} sessions`, 'inproc/heap.mjs', [profile.heapSessions], { nodeFlags: ['--expose-gc'], timeoutMs: 600_000 });
    results.heapSessions = await inProcess('heap', `memory store, ${profile.heapSessions} sessions, no activity`, 'inproc/heap.mjs', [profile.heapSessions, 'sessions-only'], {
      nodeFlags: ['--expose-gc'],
      timeoutMs: 600_000,
    });
  }
  if (options.sections.includes('http')) {
    const { measureFramework } = await import('./http/measure.mjs');
    results.http = {};
    for (const framework of options.frameworks) {
      const { VARIANTS, CONTROLS } = await import(`./http/apps/${framework}.mjs`);
      const baseline = options.baseline === undefined || !options.stores.includes('memory') ? [] : [{ variant: 'lib:memory', label: BASELINE_LABEL, env: { BENCH_DIST: options.baseline } }];
      const variants = [...VARIANTS.slice(0, 1), ...(options.controls ? CONTROLS : []), ...VARIANTS.slice(1)].filter((variant) => {
        const kind = variant.startsWith('lib:') ? variant.slice(4) : variant.endsWith(':redis') ? 'redis' : undefined;
        if (variant.startsWith('lib:') && !options.stores.includes(kind)) return false;
        const state = kind === undefined ? true : storeReady(kind, services);
        if (state !== true) results.skipped.push({ area: `HTTP ${title(framework)}`, case: variant, reason: state });
        return state === true;
      });
      try {
        results.http[framework] = await measureFramework(framework, [...variants, ...baseline], profile, { log, runId });
      } catch (error) {
        log(`HTTP ${framework} failed: ${error.message}`);
        results.skipped.push({ area: `HTTP ${title(framework)}`, case: 'all rows', reason: error.message.split('\n')[0].slice(0, 200) });
      }
    }
  }

  let budgets = evaluateBudgets(results);
  const missed = (id) => budgets.find((budget) => budget.id === id)?.status === 'missed';
  if ((options.complete || profileRequested) && !options.quick) {
    const { profileValidation, profileFramework } = await import('./lib/profile.mjs');
    results.profiles = {};
    if (missed('validate') || profileRequested) {
      log('profiling memory-store validation');
      results.profiles['Memory-store validation, one call at a time (inproc/validate.mjs memory)'] = await profileValidation(3);
    }
    for (const framework of options.frameworks) {
      if (!missed(`added-${framework}`) && !profileRequested && !options.complete) continue;
      log(`profiling ${framework} with this library under load`);
      results.profiles[`${framework} server with this library (memory store) under autocannon load`] = await profileFramework(framework, 'lib:memory', 5, { runId, connections: profile.httpConnections });
      results.profiles[`${framework} bare server under the same load`] = await profileFramework(framework, 'bare', 5, { runId, connections: profile.httpConnections });
    }
    budgets = evaluateBudgets(results);
  }

  const tableText = table(toRows(results, budgets));
  console.log(`\n${tableText}\n`);
  for (const budget of budgets) console.log(`${budget.status.padEnd(12)} ${budget.text}: ${budget.measured}`);
  const loadAfter = uptime();
  console.log(`\nload before: ${loadBefore}\nload after:  ${loadAfter}`);
  const run = { facts: machineFacts(), options, results, budgets, tableText, loadBefore, loadAfter, elapsedSeconds: (performance.now() - started) / 1_000 };
  // Only a run that writes the report is the one `--render` renders again: a partial run keeps
  // its results apart, so rendering after it never replaces a full report with a part of one.
  writeFileSync(options.write ? LAST_RUN : LAST_PARTIAL_RUN, JSON.stringify(run, null, 1));
  if (options.write) log(`wrote ${writeReport(renderReport(run))}`);
  else log(`results of this partial run in ${LAST_PARTIAL_RUN} (latest.md unchanged; --write writes it)`);
} finally {
  await cleanup();
}
