import { SessionError } from '../errors.js';

/** The assertion surface the conformance suites use: a subset shared by vitest and jest. */
export interface Expectation {
  /** Same value (`Object.is`). */
  toBe(expected: unknown): void;
  /** Deeply equal. */
  toEqual(expected: unknown): void;
  /** Is `null`. */
  toBeNull(): void;
  /** Is `undefined`. */
  toBeUndefined(): void;
  /** Is not `undefined`. */
  toBeDefined(): void;
  /** `>` */
  toBeGreaterThan(expected: number): void;
  /** `>=` */
  toBeGreaterThanOrEqual(expected: number): void;
  /** `<` */
  toBeLessThan(expected: number): void;
  /** `<=` */
  toBeLessThanOrEqual(expected: number): void;
  /** An array or string contains the item. */
  toContain(expected: unknown): void;
  /** `.length` equals. */
  toHaveLength(expected: number): void;
  /** A string matches. */
  toMatch(expected: RegExp | string): void;
  /** The negated assertions. */
  readonly not: Expectation;
}

/**
 * The test runner functions a conformance suite registers its tests with. vitest's and
 * jest's `describe`, `it`, `expect`, `beforeEach` and `afterEach` fit as they are.
 */
export interface TestRunner {
  /** Groups tests. */
  describe(name: string, body: () => void): void;
  /** Registers one test, with an optional timeout in ms. */
  it(name: string, body: () => Promise<void> | void, timeout?: number): void;
  /** Starts an assertion. */
  expect(actual: unknown): Expectation;
  /** Runs before each test of the enclosing group. */
  beforeEach(body: () => Promise<void> | void): void;
  /** Runs after each test of the enclosing group. */
  afterEach(body: () => Promise<void> | void): void;
}

/** Uses the runner given, else the runner's globals (vitest `globals: true`, jest). */
export function resolveRunner(runner: TestRunner | undefined): TestRunner {
  if (runner !== undefined) return runner;
  const globals = globalThis as Partial<TestRunner>;
  if (globals.describe && globals.it && globals.expect && globals.beforeEach && globals.afterEach) {
    return globals as TestRunner;
  }
  throw new SessionError(
    'INVALID_CONFIGURATION',
    'No test runner found: pass { describe, it, expect, beforeEach, afterEach } from your runner ' +
      "(import them from 'vitest'), or enable its globals.",
  );
}
