import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where each test file appends its figures (see vitest.reliability.config.ts). */
    figuresDir: string;
  }
}

/** What the suite counts. Every test adds its share; the reporter prints the sums. */
export interface Figures {
  /** HTTP requests answered (any status) and store operations called by race tests. */
  requests: number;
  /** Revocations that returned success: sign-out, revoke by id, others, everywhere, replaced. */
  revocations: number;
  /** Store processes killed, frozen or restarted on purpose. */
  faults: number;
  /** Hostile inputs sent (HTTP requests or direct calls). */
  hostile: number;
  /** Broken promises found. Must be 0. */
  violations: number;
}

export const FIGURE_NAMES = ['requests', 'revocations', 'faults', 'hostile', 'violations'] as const satisfies readonly (keyof Figures)[];

/** Adds `counts` to the run's figures under `source` (a test file's or test's name). */
export function record(source: string, counts: Partial<Figures>): void {
  const line = JSON.stringify({ source, ...counts });
  appendFileSync(join(inject('figuresDir'), 'figures.jsonl'), `${line}\n`);
}
