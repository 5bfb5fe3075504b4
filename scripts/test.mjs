// `npm test`: every check a change must pass, stopping at the first failing group. The steps of
// one group run side by side (none writes what another reads): the first prints as it goes,
// the others once they end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';

/** attw on the package as `npm pack` makes it, without `prepack`: dist/ was just built. */
async function typesOfTheTarball(output) {
  const folder = mkdtempSync(join(tmpdir(), 'session-revocation-attw-'));
  try {
    const packed = await run(['npm', 'pack', '--json', '--ignore-scripts', '--pack-destination', folder], output, { quiet: true });
    if (packed.status !== 0) return packed;
    const tarball = join(folder, JSON.parse(packed.stdout)[0].filename);
    return await run(['npx', 'attw', tarball, '--profile', 'esm-only'], output);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const groups = [
  [
    { name: 'typecheck', command: ['npx', 'tsc', '-p', 'tsconfig.json'] },
    { name: 'build', command: ['npx', 'tsup'] },
  ],
  [
    { name: 'publint', command: ['npx', 'publint', '--strict'] },
    { name: 'are the types wrong', title: 'npm pack --ignore-scripts, then npx attw <tarball> --profile esm-only', run: typesOfTheTarball },
  ],
  [
    { name: 'unit, conformance, integration and package tests', command: ['npx', 'vitest', 'run'] },
    // The unit tests run one file at a time, which leaves a core mostly idle: the browser tests
    // (their own data: fresh Redis prefixes, temporary files, ports the system picks) run there,
    // after the Next.js example's build they need, at low priority so the unit tests keep the cores.
    {
      name: 'install and build of the Next.js example, then the browser tests of the demo',
      title: 'node test/e2e/support/next-app-build.mjs, then npx vitest run --config vitest.e2e.config.ts',
      run: (output) => inTurn([['node', 'test/e2e/support/next-app-build.mjs'], ['npx', 'vitest', 'run', '--config', 'vitest.e2e.config.ts']], output, 10),
    },
  ],
  [{ name: 'reliability: faults, load with revocations, races and hostile input', command: ['npx', 'vitest', 'run', '--config', 'vitest.reliability.config.ts'] }],
];

/**
 * Runs a command; `output` is process.stdout (passed on as it comes, and kept) or an array that
 * collects it. Resolves with its exit status, what it printed and, when `quiet`, its stdout
 * instead of passing it on.
 */
function run([command, ...args], output, { quiet = false, priority = 0 } = {}) {
  return new Promise((resolve) => {
    const direct = output === process.stdout;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    if (priority !== 0 && child.pid !== undefined) setPriority(child.pid, priority);
    let stdout = '';
    const printed = [];
    const keep = (stream) => (chunk) => {
      printed.push(chunk);
      if (direct) stream.write(chunk);
      else output.push(chunk);
    };
    child.stdout.on('data', (chunk) => (quiet ? (stdout += chunk) : keep(process.stdout)(chunk)));
    child.stderr.on('data', keep(process.stderr));
    child.on('error', (error) => resolve({ status: null, signal: error.message, stdout, printed }));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, printed }));
  });
}

/** Runs `commands` one after the other at `priority`, stopping at the first that fails; resolves with the last one's result. */
async function inTurn(commands, output, priority) {
  let result;
  for (const command of commands) {
    result = await run(command, output, { priority });
    if (result.status !== 0) break;
  }
  return result;
}

const FAILED_TAIL_LINES = 150;

const titleOf = (step) => `${step.name}: ${step.title ?? step.command.join(' ')}`;

async function timed(step, output) {
  const started = Date.now();
  const result = step.run ? await step.run(output) : await run(step.command, output, { priority: step.priority });
  return { ...result, seconds: Math.round((Date.now() - started) / 1000) };
}

for (const group of groups) {
  console.log(`\n▶ ${titleOf(group[0])}`);
  for (const step of group.slice(1)) console.log(`  and beside it ${titleOf(step)}`);
  const outputs = group.map((_, index) => (index === 0 ? process.stdout : []));
  const results = await Promise.all(group.map((step, index) => timed(step, outputs[index])));
  group.forEach((step, index) => {
    if (index > 0) {
      console.log(`\n▶ ${titleOf(step)}`);
      process.stdout.write(Buffer.concat(outputs[index].map((chunk) => Buffer.from(chunk))));
    }
  });
  group.forEach((step, index) => {
    const { status, signal, seconds } = results[index];
    if (status === 0) console.log(`✔ ${step.name} (${seconds} s)`);
    else console.error(`\n✖ ${step.name} failed (exit ${status ?? signal}).`);
  });
  // The failures are near the end of what a failed step printed, which a later step's output may have pushed far up the log.
  group.forEach((step, index) => {
    const { status, printed = [] } = results[index];
    if (status === 0) return;
    const lines = Buffer.concat(printed.map((chunk) => Buffer.from(chunk))).toString('utf8').split('\n');
    console.error(`\n▶ the last ${Math.min(lines.length, FAILED_TAIL_LINES)} lines ${step.name} printed, where it says what failed`);
    console.error(lines.slice(-FAILED_TAIL_LINES).join('\n'));
  });
  const failed = results.find(({ status }) => status !== 0);
  if (failed) process.exit(failed.status ?? 1);
}
console.log('\n✔ all checks passed');
