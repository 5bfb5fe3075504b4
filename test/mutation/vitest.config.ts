import { defineConfig } from 'vitest/config';

// One target's own tests, named by scripts/mutation.mjs. An `include` list rather than
// Stryker's `testFiles`: with `testFiles`, Stryker cannot run the static mutants (module-level
// regular expressions and constants) and reports them as survivors.
const include = (process.env['MUTATION_TESTS'] ?? '').split(',').filter((file) => file !== '');
if (include.length === 0) throw new Error('MUTATION_TESTS names no test file: run `npm run test:mutation`.');

export default defineConfig({
  test: {
    include,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
