import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';
import { memoryStore } from '../../src/stores/memory.js';
import { describeStoreConformance, type StoreFaults } from '../../src/testing/index.js';
import { capabilityTest, type TestRunner } from '../../src/testing/runner.js';
import { vitestRunner } from '../runner.js';

// A store without listActivity keeps no activity, known devices or revocation links: their
// tests must not count as passed.
function withoutActivity(): SessionStore {
  const { listActivity, ...rest } = memoryStore();
  return rest;
}

/** Registers the suite on a runner that records the tests, then runs those whose name contains `group`. */
async function runTests(store: () => SessionStore, group: string, context: unknown): Promise<{ readonly ran: number; readonly skipped: readonly string[] }> {
  const tests: { name: string; body: (...args: unknown[]) => unknown }[] = [];
  const path: string[] = [];
  const hooks: { before: (() => unknown)[]; after: (() => unknown)[] } = { before: [], after: [] };
  const runner: TestRunner = {
    describe(name, body) {
      path.push(name);
      body();
      path.pop();
    },
    it: (name, body) => void tests.push({ name: [...path, name].join(' > '), body }),
    expect: (actual) => expect(actual),
    beforeEach: (hook) => void hooks.before.push(hook),
    afterEach: (hook) => void hooks.after.push(hook),
  };
  describeStoreConformance('without a capability', store, { runner });
  const skipped: string[] = [];
  let ran = 0;
  for (const test of tests.filter(({ name }) => name.includes(group))) {
    for (const hook of hooks.before) await hook();
    try {
      await test.body(context);
      ran += 1;
    } catch (error) {
      if (!(error instanceof Skipped)) throw error;
      skipped.push(error.message);
    } finally {
      for (const hook of hooks.after) await hook();
    }
  }
  return { ran, skipped };
}

class Skipped extends Error {}

// vitest 4's test context is a function with methods, not a plain object.
const vitestLike = Object.assign(() => undefined, {
  skip(note?: string): never {
    throw new Skipped(note);
  },
});

function withoutNoticesOrStats(): SessionStore {
  const { subscribe, stats, ...rest } = memoryStore();
  return rest;
}

describe('the store conformance suite and a capability the store lacks', () => {
  it('a store missing a required method is refused at startup, by the names of the methods missing', () => {
    const { readTenant, readKey, ...rest } = memoryStore();
    expect(() => createSessionManager({ store: rest as SessionStore })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: 'store must implement the SessionStore interface; missing: readTenant, readKey.' }),
    );
    const { apply, ...noApply } = memoryStore();
    expect(() => createSessionManager({ store: noApply as SessionStore })).toThrow(expect.objectContaining({ message: expect.stringContaining('missing: apply.') }));
    expect(() => createSessionManager({ store: withoutActivity() })).not.toThrow();
  });

  it.each([
    ['activity, known devices and revocation links', 11, 1],
    ['account activity and known devices', 2, 0],
    ['races between two app servers, through the manager', 2, 10],
  ])('marks the activity and link tests of "%s" skipped on a store without activity, and runs the others', async (group, skips, runs) => {
    const { ran, skipped } = await runTests(withoutActivity, group, vitestLike);
    expect([ran, skipped.length]).toEqual([runs, skips]);
    for (const reason of skipped) expect(reason).toMatch(/lists no activity/);
  });

  it('marks the notice and stats tests skipped on a store without subscribe and stats', async () => {
    expect(await runTests(withoutNoticesOrStats, 'revocation notices', vitestLike)).toEqual({ ran: 0, skipped: Array(3).fill('the store publishes no notices (subscribe)') });
    expect(await runTests(withoutNoticesOrStats, 'stats', vitestLike)).toEqual({ ran: 0, skipped: ['the store counts no rows (stats)'] });
    expect(await runTests(() => memoryStore(), 'revocation notices', vitestLike)).toEqual({ ran: 3, skipped: [] });
  });

  it('registers the fault tests skipped without a fault hook, and those of a fault the hook cannot make, never as passed', () => {
    const registered = (faults?: StoreFaults, withSkip = true) => {
      const names = { run: [] as string[], skipped: [] as string[] };
      const it = Object.assign((name: string) => void names.run.push(name), withSkip ? { skip: (name: string) => void names.skipped.push(name) } : {});
      describeStoreConformance('faults', () => memoryStore(), { runner: { describe: (_name, body) => body(), it, expect: (actual) => expect(actual), beforeEach: () => undefined, afterEach: () => undefined }, faults });
      return { run: names.run.filter((name) => /STORE_UNAVAILABLE|half way/.test(name)).length, skipped: names.skipped };
    };
    expect(registered()).toEqual({ run: 0, skipped: [expect.stringMatching(/^a refused connection/), expect.stringMatching(/^a call that times out/), expect.stringMatching(/^a batch that fails half way/)] });
    expect(registered({ supports: ['refused', 'timeout'], inject: () => undefined, heal: () => undefined })).toEqual({ run: 2, skipped: [expect.stringMatching(/^a batch that fails half way/)] });
    // A runner that cannot skip: left out, as a test that does not run must not pass.
    expect(registered(undefined, false)).toEqual({ run: 0, skipped: [] });
  });
});

describe('a capability test on a runner that reads a declared parameter as a done callback (jest)', () => {
  it('declares none', () => {
    const declared: number[] = [];
    const runner = { ...vitestRunner, it: (_name: string, body: (...args: unknown[]) => unknown) => void declared.push(body.length) } as TestRunner;
    capabilityTest(runner, () => true, 'never')('a test', async () => undefined);
    expect(declared).toEqual([0]);
  });
});

// The same through vitest itself: a test the kit skips is reported skipped, not passed.
describe('a capability test on vitest', () => {
  capabilityTest(vitestRunner, () => false, 'the store lacks it')('is skipped when the store lacks the capability', () => {
    throw new Error('the test ran');
  });
  it('is reported skipped', ({ task }) => {
    expect(task.suite?.tasks[0]?.result?.state).toBe('skip');
  });
});
