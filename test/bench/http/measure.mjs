// HTTP throughput on loopback: each framework's servers (bare, this library, the peers) run
// at the same time, each pinned to core 0, and autocannon runs from another process pinned to
// core 1. Every server is warmed up, then measured in rounds (every server once per round, so
// a change of machine load hits all rows alike); each row reports the median of its runs.
import { join } from 'node:path';
import { runChild, startChild, stopChild } from '../lib/child.mjs';
import { cpuMicros } from '../lib/proc.mjs';
import { median, UAS } from '../lib/load.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const USER_AGENT = UAS[0];

// Rows without sessions: the bare ceiling, and controls (e.g. a no-op hook) used in diagnosis.
const sessionless = (variant) => variant === 'bare' || variant.startsWith('control:');

async function signIn(port, variant) {
  const base = `http://127.0.0.1:${port}`;
  let cookie;
  if (sessionless(variant)) {
    // No session to sign in to: send a cookie of the same size anyway, so requests are alike.
    cookie = `session=${'x'.repeat(22)}.${'y'.repeat(43)}`;
  } else {
    const login = await fetch(`${base}/login`, { method: 'POST', headers: { 'user-agent': USER_AGENT, accept: 'application/json' } });
    if (!login.ok) throw new Error(`POST /login answered ${login.status}: ${await login.text()}`);
    const pairs = login.headers.getSetCookie().map((header) => header.split(';')[0]);
    if (pairs.length === 0) throw new Error('POST /login set no cookie');
    cookie = pairs.join('; ');
  }
  const me = await fetch(`${base}/api/me`, { headers: { cookie, 'user-agent': USER_AGENT, accept: 'application/json' } });
  const body = await me.text();
  if (me.status !== 200 || !body.includes('bench-user')) throw new Error(`GET /api/me with the cookie answered ${me.status}: ${body}`);
  if (!sessionless(variant)) {
    const anonymous = await fetch(`${base}/api/me`, { headers: { accept: 'application/json' } });
    if (anonymous.status !== 401) throw new Error(`GET /api/me without a cookie answered ${anonymous.status}, not 401`);
  }
  return cookie;
}

async function loadRun(server, seconds, connections) {
  let before;
  let after;
  const result = await runChild(join(HERE, 'load.mjs'), [JSON.stringify({ url: `http://127.0.0.1:${server.port}/api/me`, cookie: server.cookie, seconds, connections, userAgent: USER_AGENT })], {
    core: LOAD_CORE,
    timeoutMs: (seconds + 30) * 1_000,
    onLine: (line) => {
      if (line === '@@bench-start') before = { cpu: cpuMicros(server.pid), at: performance.now() };
      else if (line === '@@bench-end') after = { cpu: cpuMicros(server.pid), at: performance.now() };
    },
  });
  const cpu = before?.cpu !== undefined && after?.cpu !== undefined ? after.cpu - before.cpu : undefined;
  return {
    ...result,
    cpuPerRequest: cpu === undefined ? undefined : cpu / result.requests,
    busy: cpu === undefined ? undefined : cpu / ((after.at - before.at) * 1_000),
  };
}

/**
 * Measures one framework's variants. `log` receives progress lines. Returns one row per
 * variant: { framework, variant, rps, p99, cpuPerRequest, busy, runs, problems }.
 */
export async function measureFramework(framework, variants, profile, { log, runId }) {
  const servers = [];
  try {
    // A variant is a name, or { variant, label, env } to run it on another build (BENCH_DIST).
    for (const entry of variants) {
      const { variant, label = variant, env = {} } = typeof entry === 'string' ? { variant: entry } : entry;
      const name = `http_${framework}_${label}`.replace(/[^a-z0-9]+/gi, '_');
      const { child, result } = await startChild(join(HERE, 'server.mjs'), [framework, variant, name], { core: SERVER_CORE, env: { ...env, BENCH_RUN_ID: runId } });
      const server = { variant, label, child, port: result.port, pid: child.pid, runs: [] };
      servers.push(server);
      server.cookie = await signIn(server.port, variant);
    }
    log(`http ${framework}: warming up ${servers.length} servers (${profile.httpWarmupSeconds} s each)`);
    for (const server of servers) await loadRun(server, profile.httpWarmupSeconds, profile.httpConnections);
    for (let round = 1; round <= profile.httpRuns; round++) {
      for (const server of servers) {
        const run = await loadRun(server, profile.httpRunSeconds, profile.httpConnections);
        server.runs.push(run);
        log(`http ${framework} ${server.label} run ${round}/${profile.httpRuns}: ${Math.round(run.rps)} req/s, p99 ${run.p99} ms, ${run.cpuPerRequest?.toFixed(1)} µs CPU/req`);
      }
    }
  } finally {
    await Promise.all(servers.map((server) => stopChild(server.child)));
  }
  return servers.map((server) => {
    const problems = [];
    for (const run of server.runs) {
      if (run.non2xx > 0) problems.push(`${run.non2xx} non-2xx`);
      if (run.errors > 0) problems.push(`${run.errors} errors`);
      if (run.timeouts > 0) problems.push(`${run.timeouts} timeouts`);
    }
    const of = (field) => median(server.runs.map((run) => run[field]).filter((value) => value !== undefined));
    return {
      framework,
      variant: server.variant,
      label: server.label,
      rps: of('rps'),
      p99: of('p99'),
      cpuPerRequest: of('cpuPerRequest'),
      // Interference from other processes only adds CPU time: the least is the best estimate.
      cpuPerRequestMin: Math.min(...server.runs.map((run) => run.cpuPerRequest ?? Infinity)),
      busy: of('busy'),
      runs: server.runs.map((run) => Math.round(run.rps)),
      cpuRuns: server.runs.map((run) => run.cpuPerRequest),
      problems,
    };
  });
}

/**
 * Starts one server, warms it up, profiles it (V8 CPU profiler started by SIGUSR2, written to
 * `profileFile` on shutdown) during one load run of `seconds`, and stops it.
 * @returns the run, whose `requests` are exactly the ones the profile covers.
 */
export async function profileServer(framework, variant, seconds, { runId, connections = 50, profileFile, warmupSeconds = 3 }) {
  const name = `prof_${framework}_${variant}`.replace(/[^a-z0-9]+/gi, '_');
  const { child, result } = await startChild(join(HERE, 'server.mjs'), [framework, variant, name], { core: SERVER_CORE, env: { BENCH_RUN_ID: runId, BENCH_CPU_PROFILE: profileFile } });
  try {
    const server = { variant, child, port: result.port, pid: child.pid };
    server.cookie = await signIn(server.port, variant);
    await loadRun(server, warmupSeconds, connections);
    await new Promise((resolve) => {
      child.stdout.on('data', function started(chunk) {
        if (String(chunk).includes('"profiling":true')) {
          child.stdout.off('data', started);
          resolve();
        }
      });
      child.kill('SIGUSR2');
    });
    return await loadRun(server, seconds, connections);
  } finally {
    await stopChild(child);
  }
}
