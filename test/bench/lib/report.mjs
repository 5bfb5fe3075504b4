// test/bench/results/latest.md: machine facts, the table, each budget met or missed, the HTTP
// runs, CPU profiles of missed budgets, and the hand-written diagnosis (results/diagnosis.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixed, int, percent } from './format.mjs';
import { addedMicros, ADDED_BUDGET, BASELINE_LABEL, httpRow, REDIS_TIME_BUDGET, title, VALIDATE_BUDGET } from './budgets.mjs';

// With --baseline: the same rows on the build before and the build measured, side by side.
function beforeAfter(results, options) {
  const lines = [];
  const frameworks = Object.keys(results.http ?? {}).filter((framework) => httpRow(results, framework, 'lib:memory', BASELINE_LABEL) !== undefined);
  const baseline = results.validateBaseline ?? {};
  if (frameworks.length === 0 && Object.keys(baseline).length === 0) return lines;
  lines.push(
    '## Before and after',
    '',
    `The baseline build (\`${options.baseline?.split('/').slice(-3).join('/')}\`, the code before this change) measured in this same run, with the same method, beside the build measured above. Server CPU per request: medians of the runs; "added" is the median over rounds of the per-round difference with bare (the rows of one round ran within a minute of each other).`,
    '',
  );
  if (frameworks.length > 0) {
    lines.push('| framework | bare µs/req | with the library, before | added, before | with the library, after | added, after | budget |', '|---|---|---|---|---|---|---|');
    for (const framework of frameworks) {
      const bare = httpRow(results, framework, 'bare');
      const before = httpRow(results, framework, 'lib:memory', BASELINE_LABEL);
      const after = httpRow(results, framework, 'lib:memory');
      const added = (row) => (row && bare ? addedMicros(row, bare) : undefined);
      const signed = (value) => (value === undefined ? '—' : `${value >= 0 ? '+' : ''}${fixed(value)}`);
      lines.push(`| ${title(framework)} | ${fixed(bare?.cpuPerRequest)} | ${fixed(before?.cpuPerRequest)} | ${signed(added(before))} | ${fixed(after?.cpuPerRequest)} | ${signed(added(after))} | ≤ ${ADDED_BUDGET[framework]} |`);
    }
    lines.push('');
  }
  const validate = results.validate ?? {};
  if (Object.keys(baseline).length > 0) {
    lines.push('| validation | before | after | budget |', '|---|---|---|---|');
    if (baseline.memory && validate.memory) lines.push(`| memory store, per CPU-second, one at a time | ${int(baseline.memory.serial.cpuRate)} | ${int(validate.memory.serial.cpuRate)} | ≥ ${int(VALIDATE_BUDGET)} |`);
    for (const kind of ['redis', 'ioredis']) {
      const name = kind === 'redis' ? 'node-redis' : 'ioredis';
      if (baseline[kind]?.redis && validate[kind]?.redis) {
        const commands = (time) => Object.entries(time.commands).map(([command, value]) => `${command} ${value.usec.toFixed(2)}`).join(', ');
        lines.push(`| Redis server µs per validation, ${name} (INFO commandstats) | ${baseline[kind].redis.usec.toFixed(2)} (${commands(baseline[kind].redis)}) | ${validate[kind].redis.usec.toFixed(2)} (${commands(validate[kind].redis)}) | ≤ ${REDIS_TIME_BUDGET} |`);
      }
      if (baseline[kind] && validate[kind]) lines.push(`| ${name}: validations per client CPU-second, 50 in flight | ${int(baseline[kind].concurrent.cpuRate)} | ${int(validate[kind].concurrent.cpuRate)} | |`);
    }
    lines.push('');
  }
  return lines;
}

const RESULTS = new URL('../results/', import.meta.url).pathname;
export const LATEST = join(RESULTS, 'latest.md');

export function renderReport({ facts, options, results, budgets, tableText, loadBefore, loadAfter, elapsedSeconds }) {
  const { profile } = options;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\`${options.quick ? ' --quick (smoke run: short, small)' : ''} on ${facts.date.slice(0, 10)}; the run took ${Math.round(elapsedSeconds)} s. Figures vary by machine: compare rows of one run, not runs of different machines.`,
    '',
    '## Machine',
    '',
    `- CPU: ${facts.cpu}, ${facts.cores} cores; ${facts.memoryGiB} GiB memory; ${facts.platform}`,
    `- Node.js ${facts.node}; code measured: \`dist/\` built from ${facts.commit ?? 'an unknown commit'}${facts.dirty ? ' plus uncommitted changes in src/ or adapters/' : ''}`,
    `- Load before the run: \`${loadBefore}\``,
    `- Load after the run: \`${loadAfter}\``,
    '',
    'The machine is shared: other processes ran during the run (see the load averages). Every HTTP row reports the share of a core its server actually got ("busy" below) and its CPU time per request, which depends far less on that load than requests per second do.',
    '',
    '## Method',
    '',
    `- In-process figures run in a child process pinned to one core (\`taskset -c 1\`), against the built \`dist/*.js\`; the stores are the real ones: a SQLite file (WAL), Redis at ${options.redisUrl.replace(/\/\/[^@]*@/, '//')} and PostgreSQL at ${options.pg.host}:${options.pg.port}/${options.pg.database}, each on a private key prefix or schema removed afterwards.`,
    `- Validations: 1,000 users with one session each, tokens presented in turn, every default as shipped (touchInterval 60 s); ${profile.validateSeconds} s measured after ${profile.validateWarmupSeconds} s of warm-up, one call at a time and ${profile.inFlight} in flight. On Redis, Redis's own time per validation is INFO commandstats over three more runs of ${profile.validateSeconds} s with ${profile.inFlight} in flight: the median run, each run's figure beside it.`,
    '- Access tokens: one token presented again and again; "warm" is the shipped configuration (verified-signature cache, epoch cache 1 s), "cold" turns the signature cache off (`verifiedCacheSize: 0`) so every call runs jose; "bare" is jose\'s `jwtVerify` with the same key and token and no revocation check.',
    `- Heap: ${int(profile.heapSessions)} sessions of ${int(profile.heapSessions / 2)} users (two devices each: no sign-in replaces another), real User-Agents, a distinct IP each; \`process.memoryUsage()\` after forced GCs (\`--expose-gc\`), minus a baseline with the package loaded and warmed.`,
    '- Sign out everywhere: one user with that many sessions (plus another user who must stay signed in); the time for `revokeAll` to return, then every session validated and refused.',
    '- Prune: repeated `prune({ limit: 10000 })` until nothing is left. PostgreSQL rows are inserted with `generate_series` directly in SQL (already expired) and ANALYZEd; other stores get sessions through `create()` and a pruning manager whose clock is 31 days ahead.',
    `- HTTP: \`GET /api/me\` answering \`{ userId }\`, signed in once through \`POST /login\` so every request carries a valid session cookie. Each framework's servers run at once, each pinned to core 0; autocannon (${profile.httpConnections} connections, no pipelining) runs in a process pinned to core 1. Every server is warmed up for ${profile.httpWarmupSeconds} s, then measured for ${profile.httpRunSeconds} s in ${profile.httpRuns} round(s), every server once per round; a row is the median of its runs. "Server CPU/req" is the server process's utime + stime from \`/proc/<pid>/stat\` over the run divided by the requests answered; "vs bare" compares with the same framework without sessions round by round (the rows of one round ran within a minute of each other, under the same machine load) and gives the median over rounds of this row's req/s over bare's, and in brackets of bare's CPU per request over this row's; the peer comparisons in the budgets are paired the same way. Peers are set as this library behaves: express-session \`resave: false, saveUninitialized: false\`; @fastify/session \`secure: false, saveUninitialized: false, rolling: false\`; koa-session with an external Map store, \`rolling: false, renew: false\`; all with 30-day cookies.${options.controls ? ' With `--controls`, each framework also runs the budget control: bare behind a hook that computes (arithmetic only, no allocation) for the framework\'s budget in µs, calibrated inside the server at start-up. A server\'s CPU per request pays for more than its own work (the kernel\'s wake-ups of the load generator on the other core grow as a server slows, whatever it computes), so the control shows what exactly the budget\'s amount of work measures as, in the same rounds.' : ''}`,
    '',
    '## Results',
    '',
    tableText,
    '',
    '## Budgets',
    '',
    "This project's own performance budgets, each with its number, judged from this run:",
    '',
    ...budgets.map((budget) => `- **${budget.status}** — ${budget.text}: ${budget.measured}`),
    '',
  ];
  lines.push(...beforeAfter(results, options));
  if (results.http !== undefined) {
    lines.push(
      '## HTTP runs',
      '',
      'Every run of every row. "Busy" is the share of its core the server got while measured (CPU time over wall time; below 100% the server waited for the load generator or for a core other processes held). Other processes only ever add CPU time, so the least CPU per request is the best estimate of the true cost.',
      '',
      '| Framework | Row | req/s per run | server busy | CPU/req median | CPU/req least | p99 |',
      '|---|---|---|---|---|---|---|',
    );
    for (const [framework, rows] of Object.entries(results.http)) {
      for (const row of rows) {
        lines.push(`| ${title(framework)} | ${row.label ?? row.variant} | ${row.runs.map(int).join(', ')} | ${percent(row.busy)} | ${fixed(row.cpuPerRequest)} µs | ${fixed(row.cpuPerRequestMin)} µs | ${row.p99} ms |`);
      }
    }
    lines.push('');
  }
  if (results.profiles !== undefined && Object.keys(results.profiles).length > 0) {
    lines.push(
      '## CPU profiles',
      '',
      "Self time from V8's sampling profiler (what `node --cpu-prof` records); servers are profiled after their warm-up, during one load run, so time per request is exact. Shares are of non-idle samples. V8 samples on a wall-clock interval: each sample counts at most the median interval, so time the process spent waiting for a core (other processes held it) is not put on the frame that ran next.",
      '',
    );
    for (const [name, profiled] of Object.entries(results.profiles)) {
      const perRequest = profiled.requests !== undefined;
      lines.push(`### ${name}`, '');
      if (perRequest) lines.push(`${int(profiled.requests)} requests profiled.`, '');
      lines.push(`| component | self | share${perRequest ? ' | per request' : ''} |`, `|---|---|---${perRequest ? '|---' : ''}|`);
      for (const group of profiled.groups.slice(0, 8)) lines.push(`| ${group.group} | ${fixed(group.selfMs, 0)} ms | ${percent(group.share)}${perRequest ? ` | ${fixed(group.perRequest, 2)} µs` : ''} |`);
      lines.push('', `| frame | self | share${perRequest ? ' | per request' : ''} |`, `|---|---|---${perRequest ? '|---' : ''}|`);
      for (const frame of profiled.frames) lines.push(`| \`${frame.frame}\` | ${fixed(frame.selfMs, 0)} ms | ${percent(frame.share)}${perRequest ? ` | ${fixed(frame.perRequest, 2)} µs` : ''} |`);
      lines.push('');
    }
  }
  const diagnosis = join(RESULTS, 'diagnosis.md');
  if (existsSync(diagnosis)) lines.push(readFileSync(diagnosis, 'utf8').trim(), '');
  return lines.join('\n');
}

export function writeReport(text) {
  writeFileSync(LATEST, text);
  return LATEST;
}
