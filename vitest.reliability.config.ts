import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { FiguresReporter } from './test/reliability/support/figures-reporter.js';

// Each test file appends its counts (requests, revocations, faults, hostile inputs,
// violations) to a file in this directory; the reporter sums and prints them at the end.
const figuresDir = mkdtempSync(join(tmpdir(), 'sr-reliability-figures-'));

/**
 * The reliability suite: revocation under load, store faults, hostile input, token hygiene,
 * retention and races, on real servers at 127.0.0.1. One file at a time: the load and fault
 * files start servers and saturate both cores.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    provide: { figuresDir },
    reporters: ['default', new FiguresReporter(figuresDir)],
  },
});
