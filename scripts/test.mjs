// `npm test`: every check a change must pass, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['build', 'npx', ['tsup']],
  ['unit, conformance, integration and package tests', 'npx', ['vitest', 'run']],
  ['publint', 'npx', ['publint', '--strict']],
  ['are the types wrong', 'npx', ['attw', '--pack', '.', '--profile', 'esm-only']],
  ['browser tests of the demo', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts']],
  ['reliability: faults, load with revocations, races and hostile input', 'npx', ['vitest', 'run', '--config', 'vitest.reliability.config.ts']],
];

for (const [name, command, args] of steps) {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}
console.log('\n✔ all checks passed');
