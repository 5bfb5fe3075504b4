// What rotation costs, per store, in one run: cookie-token validations per second with rotation
// off, with rotation on but not due (it must add no store call and no write), and with every
// request rotating (one user read and one versioned batch each). 1,000 users with one
// remember-me session each, presented in turn, 50 calls in flight; per second of wall-clock
// time and per second of this process's CPU time (lib/load.mjs).
//
//   node test/bench/rotation.mjs [--stores=memory,redis,postgres,sqlite] [--seconds=3] [--warmup=1] [--source]
//
// Imports the built package (dist, built first when stale), as the other measurements do;
// `--source` bundles src/index.ts with esbuild into .tmp/ instead, for a tree whose build fails.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { forEachConcurrently, throughput, UAS } from './lib/load.mjs';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: 'memory' },
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    source: { type: 'boolean', default: false },
    case: { type: 'string' },
  },
});
const stores = values.stores.split(',').filter((store) => store !== '');
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
if (!(seconds > 0 && warmup >= 0 && stores.length > 0)) throw new Error('Usage: node test/bench/rotation.mjs [--stores=memory,...] [--seconds=3 > 0] [--warmup=1]');
const USERS = 1_000;
const IN_FLIGHT = 50;
const DAY = 24 * 60 * 60 * 1000;
const log = (line) => console.error(`rotation: ${line}`);

const ROOT = new URL('../../', import.meta.url).pathname;

// With --source, the sources bundled with esbuild stand in for dist: lib/build.mjs and
// lib/stores.mjs read BENCH_DIST when they load, so it is set before they are imported.
if (values.source) {
  const { build } = await import('esbuild');
  const outDir = join(ROOT, '.tmp', 'bench-rotation');
  mkdirSync(outDir, { recursive: true });
  await build({ entryPoints: { index: join(ROOT, 'src/index.ts') }, outdir: outDir, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
  process.env.BENCH_DIST = outDir;
}
const { DIST, ensureBuilt } = await import('./lib/build.mjs');
if (!values.source) ensureBuilt(log);
const { openStore } = await import('./lib/stores.mjs');
const { createSessionManager } = await import(join(DIST, 'index.js'));

/**
 * One case on a fresh store: `rotateAfter` for remember-me sessions, and a clock that moves
 * `rotateAfter` per reading when `ticking` (so every session is due again by its next turn).
 */
async function measure(kind, label, { rotateAfter, ticking }) {
  const opened = await openStore(kind, `rotation_${kind}`);
  try {
    let now = Date.now();
    const clock = ticking ? () => (now += rotateAfter) : () => now;
    // The shortest grace a kind may have; no previous token is presented here.
    const kinds = rotateAfter === 0 ? {} : { remember: { rotateAfter, rotationGrace: 1_000 } };
    const sessions = createSessionManager({ store: opened.store, clock, kinds });
    const tokens = new Array(USERS);
    await forEachConcurrently(USERS, 20, async (index) => {
      tokens[index] = (await sessions.create({ userId: `user-${index}`, kind: 'remember', userAgent: UAS[index % UAS.length], ip: '10.0.0.1' })).token;
    });
    let next = 0;
    let rotations = 0;
    // Each call takes its own session: no two calls in flight present the same token.
    const validate = async () => {
      const index = next++ % USERS;
      const result = await sessions.validate(tokens[index]);
      if (!result.ok) throw new Error(`${label}: a valid token was refused (${result.reason})`);
      if (result.rotatedToken !== undefined) {
        tokens[index] = result.rotatedToken;
        rotations++;
      }
    };
    await throughput(validate, { seconds: warmup, inFlight: IN_FLIGHT });
    rotations = 0;
    const run = await throughput(validate, { seconds, inFlight: IN_FLIGHT });
    await sessions.close();
    return { store: kind, case: label, rate: run.rate, cpuRate: run.cpuRate, rotated: run.count === 0 ? 0 : rotations / run.count };
  } finally {
    await opened.close();
  }
}

const CASES = {
  'rotation off': { rotateAfter: 0, ticking: false },
  'on, not due': { rotateAfter: DAY, ticking: false },
  rotating: { rotateAfter: 2_000, ticking: true },
};
// Each case in a process of its own: in one process the first case measured runs fastest
// (a smaller heap), whichever it is.
if (values.case !== undefined) {
  console.log(JSON.stringify(await measure(stores[0], values.case, CASES[values.case])));
  process.exit(0);
}
const inChild = (kind, label) => {
  const args = [process.argv[1], `--stores=${kind}`, `--case=${label}`, `--seconds=${seconds}`, `--warmup=${warmup}`, ...(values.source ? ['--source'] : [])];
  const output = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').at(-1));
};
const rows = [];
for (const kind of stores) {
  log(`${kind}: rotation off, on but not due, rotating every request`);
  const off = inChild(kind, 'rotation off');
  const idle = inChild(kind, 'on, not due');
  const rotating = inChild(kind, 'rotating');
  if (idle.rotated !== 0 || rotating.rotated < 0.99) throw new Error(`${kind}: unexpected rotations (${idle.rotated}, ${rotating.rotated})`);
  // Against CPU time: on shared cores the wall-clock rate also counts waits for a core.
  rows.push(off, { ...idle, vsOff: idle.cpuRate / off.cpuRate }, { ...rotating, vsOff: rotating.cpuRate / off.cpuRate });
}

const pad = (text, width) => String(text).padEnd(width);
const int = (value) => Math.round(value).toLocaleString('en-US');
console.log(`${pad('store', 10)}${pad('case', 16)}${pad('validations/s', 15)}${pad('per CPU s', 12)}${pad('rotated', 9)}per CPU s vs off`);
for (const row of rows) {
  console.log(`${pad(row.store, 10)}${pad(row.case, 16)}${pad(int(row.rate), 15)}${pad(int(row.cpuRate), 12)}${pad(`${Math.round(row.rotated * 100)}%`, 9)}${row.vsOff === undefined ? '' : `${(row.vsOff * 100).toFixed(0)}%`}`);
}
