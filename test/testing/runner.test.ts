import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { resolveRunner, type TestRunner } from '../../src/testing/runner.js';

// The suites as an outside project calls them: no runner option (this project runs vitest
// without globals, so the suite must find vitest itself), and a runner without hooks.
describeStoreConformance('memory, vitest found by default', () => memoryStore());
describeStoreConformance('memory, a runner without beforeEach/afterEach', () => memoryStore(), { runner: { describe, it, expect } });

/** A runner that records tests instead of running them, so the test below can run them. */
function recordingRunner(): { readonly runner: TestRunner; readonly tests: Map<string, () => Promise<void> | void> } {
  const tests = new Map<string, () => Promise<void> | void>();
  const prefix: string[] = [];
  return {
    tests,
    runner: {
      describe(name, body) {
        prefix.push(name);
        body();
        prefix.pop();
      },
      it: (name, body) => void tests.set([...prefix, name].join(' > '), body),
      expect: (actual) => expect(actual),
    },
  };
}

describe('conformance runner resolution', () => {
  it('uses vitest when no runner is given and no globals are set', () => {
    expect('describe' in globalThis).toBe(false);
    expect(resolveRunner(undefined).describe).toBe(describe);
  });

  it('emulates hooks around each test, tearing down after a failure too', async () => {
    const { runner, tests } = recordingRunner();
    const resolved = resolveRunner(runner);
    const calls: string[] = [];
    resolved.describe('outer', () => {
      resolved.beforeEach(() => void calls.push('set up'));
      resolved.afterEach(async () => void calls.push('tear down'));
      resolved.it('passes', () => void calls.push('passes'));
      resolved.describe('inner', () => {
        resolved.beforeEach(() => void calls.push('inner set up'));
        resolved.it('fails', () => {
          calls.push('fails');
          throw new Error('boom');
        });
      });
    });
    resolved.it('outside', () => void calls.push('outside'));

    await tests.get('outer > passes')!();
    await expect(async () => tests.get('outer > inner > fails')!()).rejects.toThrow('boom');
    await tests.get('outside')!();
    expect(calls).toEqual(['set up', 'passes', 'tear down', 'set up', 'inner set up', 'fails', 'tear down', 'outside']);
  });

  it('refuses a runner without describe, it or expect', () => {
    expect(() => resolveRunner({ describe, it } as unknown as TestRunner)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });
});
