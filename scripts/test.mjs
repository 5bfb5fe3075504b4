// `npm test`: every check a change must pass, stopping at the first failing group. The steps of
// one group run side by side (they neither write what the other reads nor need both cores all
// the time); their output is printed step by step, in this order, once each ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** attw on the package as `npm pack` makes it, without `prepack`: dist/ was just built. */
async function typesOfTheTarball(output) {
  const folder = mkdtempSync(join(tmpdir(), 'session-revocation-attw-'));
  try {
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], output, { quiet: true });
    if (packed.status !== 0) return packed;
    const tarball = join(folder, JSON.parse(packed.stdout)[0].filename);
    return await run('npx', ['attw', tarball, '--profile', 'esm-only'], output);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const groups = [
  [
    ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']],
    ['build', 'npx', ['tsup']],
  ],
  [
    ['publint', 'npx', ['publint', '--strict']],
    ['are the types wrong', 'npm pack --ignore-scripts, then npx attw <tarball> --profile esm-only', typesOfTheTarball],
  ],
  [['unit, conformance, integration and package tests', 'npx', ['vitest', 'run']]],
  [['browser tests of the demo', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts']]],
  [['reliability: faults, load with revocations, races and hostile input', 'npx', ['vitest', 'run', '--config', 'vitest.reliability.config.ts']]],
];

/**
 * Runs a command; `output` is where its output goes (a stream, or an array that collects it).
 * Resolves with its exit status and, when `quiet`, its stdout instead of passing it on.
 */
function run(command, args, output, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const stream = typeof output.write === 'function';
    const child = spawn(command, args, { stdio: ['ignore', stream && !quiet ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe'], env: process.env });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (quiet ? (stdout += chunk) : output.push(chunk)));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ status: null, signal: error.message, stdout }));
    child.on('close', (status, signal) => resolve({ status, signal, stdout }));
  });
}

async function step([name, command, args], output) {
  const started = Date.now();
  const result = typeof args === 'function' ? await args(output) : await run(command, args, output);
  return { name, title: typeof args === 'function' ? command : `${command} ${args.join(' ')}`, result, seconds: Math.round((Date.now() - started) / 1000) };
}

for (const group of groups) {
  let outcomes;
  if (group.length === 1) {
    console.log(`\n▶ ${group[0][0]}: ${typeof group[0][2] === 'function' ? group[0][1] : `${group[0][1]} ${group[0][2].join(' ')}`}`);
    outcomes = [await step(group[0], process.stdout)];
  } else {
    console.log(`\n▶ side by side: ${group.map(([name]) => name).join(', ')}`);
    const outputs = group.map(() => []);
    outcomes = await Promise.all(group.map((entry, index) => step(entry, outputs[index])));
    outcomes.forEach((outcome, index) => {
      console.log(`\n▶ ${outcome.name}: ${outcome.title}`);
      process.stdout.write(Buffer.concat(outputs[index].map((chunk) => Buffer.from(chunk))));
    });
  }
  for (const { name, result, seconds } of outcomes) {
    if (result.status !== 0) {
      console.error(`\n✖ ${name} failed (exit ${result.status ?? result.signal}).`);
      process.exit(result.status ?? 1);
    }
    console.log(`✔ ${name} (${seconds} s)`);
  }
}
console.log('\n✔ all checks passed');
