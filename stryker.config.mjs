// Mutation testing of one target at a time: `npm run test:mutation` sets MUTATION_TARGET and
// runs every target in turn (see test/mutation/targets.mjs).
import { targets } from './test/mutation/targets.mjs';

const target = targets.find((candidate) => candidate.name === process.env['MUTATION_TARGET']);
if (target === undefined) throw new Error(`MUTATION_TARGET must be one of: ${targets.map((t) => t.name).join(', ')}`);
process.env['MUTATION_TESTS'] = target.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: target.mutate,
  coverageAnalysis: 'perTest',
  // Two shared cores; none of the target tests binds a fixed port, so two runners may overlap.
  concurrency: Number(process.env['MUTATION_CONCURRENCY'] ?? 2),
  // Added to 1.5 × each test's own time: a mutant looping forever is caught in seconds.
  timeoutMS: 5_000,
  reporters: ['clear-text', 'json'],
  jsonReporter: { fileName: `reports/mutation/${target.name}.json` },
  tempDirName: `.stryker-tmp/${target.name}`,
  cleanTempDir: 'always',
  ignorePatterns: ['reports', 'test/bench/.dist', 'dist', 'docs/api', '.stryker-tmp'],
  thresholds: { high: 100, low: 95, break: null },
};
