import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  /** Registers one test, with an optional timeout in ms; vitest's test context lets a suite skip it at run time. */
  it(name: string, body: (context?: unknown) => Promise<void> | void, timeout?: number): void;
  /** Starts an assertion. */
  expect(actual: unknown): Expectation;
  /** Runs before each test of the enclosing group; without it, the suite runs its set-up inside each test. */
  beforeEach?(body: () => Promise<void> | void): void;
  /** Runs after each test of the enclosing group, even a failed one; without it, the suite tears down in a `finally`. */
  afterEach?(body: () => Promise<void> | void): void;
}

/** Ends the running test as skipped with `reason` when the runner's test context can (vitest's `context.skip`; vitest 4's context is a function); else the test just returns. */
function skipTest(context: unknown, reason: string): void {
  const skip = (typeof context === 'object' || typeof context === 'function') && context !== null ? (context as { skip?: unknown }).skip : undefined;
  if (typeof skip === 'function') skip.call(context, reason);
}

/**
 * An `it` for the tests of an optional capability: when `has()` answers false as the test runs,
 * the test is reported skipped with `reason` where the runner can skip.
 */
export function capabilityTest(runner: TestRunner, has: () => boolean, reason: string): TestRunner['it'] {
  // Rest parameters, here and in the scoped runner's `it`: a body that declares none is not taken for a `done` callback (jest).
  return (name, body, timeout) => runner.it(name, (...args: unknown[]) => (has() ? body(args[0]) : skipTest(args[0], reason)), timeout);
}

/** A runner with both hooks, as the suites use it. */
export type CompleteTestRunner = Required<TestRunner>;

type Hook = () => Promise<void> | void;

/** The runner given, else the runner's globals, else the project's vitest; hooks emulated when it has none. */
export function resolveRunner(runner: TestRunner | undefined): CompleteTestRunner {
  const chosen = runner ?? globalRunner() ?? projectVitest();
  if (typeof chosen?.describe !== 'function' || typeof chosen.it !== 'function' || typeof chosen.expect !== 'function') {
    throw new SessionError(
      'INVALID_CONFIGURATION',
      'No test runner found: pass { describe, it, expect } (and beforeEach, afterEach) from your runner ' +
        "as the runner option (import them from 'vitest'), or enable its globals.",
    );
  }
  return typeof chosen.beforeEach === 'function' && typeof chosen.afterEach === 'function' ? (chosen as CompleteTestRunner) : withEmulatedHooks(chosen);
}

function globalRunner(): TestRunner | undefined {
  const globals = globalThis as Partial<TestRunner>;
  return globals.describe && globals.it && globals.expect && globals.beforeEach && globals.afterEach ? (globals as TestRunner) : undefined;
}

/** The project's vitest, by its ES module entry (the CommonJS one only throws); synchronous, so `require()` still loads this subpath. */
function projectVitest(): TestRunner | undefined {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve('vitest/package.json');
    const manifest = require(manifestPath) as { exports?: { '.'?: { import?: string | { default?: string } } } };
    const entry = manifest.exports?.['.']?.import;
    const file = typeof entry === 'string' ? entry : entry?.default;
    return file === undefined ? undefined : (require(join(dirname(manifestPath), file)) as TestRunner);
  } catch {
    return undefined;
  }
}

/** Hooks for a runner without them: each test runs its groups' set-ups before and tear-downs after, even when it throws. */
function withEmulatedHooks(runner: TestRunner): CompleteTestRunner {
  const scopes: { readonly before: Hook[]; readonly after: Hook[] }[] = [{ before: [], after: [] }];
  const current = () => scopes[scopes.length - 1]!;
  return {
    describe(name, body) {
      // The enclosing group is known now; the runner may run the body later (vitest does).
      const parent = current();
      runner.describe(name, () => {
        scopes.push({ before: [...parent.before], after: [...parent.after] });
        try {
          body();
        } finally {
          scopes.pop();
        }
      });
    },
    it(name, body, timeout) {
      const { before, after } = current();
      const wrapped = async (...args: unknown[]): Promise<void> => {
        for (const hook of before) await hook();
        try {
          await body(args[0]);
        } finally {
          for (const hook of [...after].reverse()) await hook();
        }
      };
      if (timeout === undefined) runner.it(name, wrapped);
      else runner.it(name, wrapped, timeout);
    },
    expect: (actual) => runner.expect(actual),
    beforeEach: (hook) => void current().before.push(hook),
    afterEach: (hook) => void current().after.push(hook),
  };
}
