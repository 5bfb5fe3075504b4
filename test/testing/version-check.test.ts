// A store that applies batches without checking the version passes every test that runs one
// request at a time; the kit's race sections must catch it.
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/store.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import type { TestRunner } from '../../src/testing/runner.js';

interface Collected {
  readonly name: string;
  readonly body: () => Promise<void> | void;
}

/** Registers the kit into a list instead of a runner, so this file can run chosen tests itself. */
function collect(makeStore: () => SessionStore): { tests: Collected[]; before: Array<() => unknown>; after: Array<() => unknown> } {
  const tests: Collected[] = [];
  const before: Array<() => unknown> = [];
  const after: Array<() => unknown> = [];
  const prefix: string[] = [];
  const runner: TestRunner = {
    describe: (name, body) => {
      prefix.push(name);
      body();
      prefix.pop();
    },
    it: (name, body) => void tests.push({ name: [...prefix, name].join(' > '), body: () => body() }),
    expect: expect as unknown as TestRunner['expect'],
    beforeEach: (body) => void before.push(body),
    afterEach: (body) => void after.push(body),
  };
  describeStoreConformance('collected', makeStore, { runner });
  return { tests, before, after };
}

/** Runs each race test of the kit over the store, answering which failed. */
async function failedRaces(makeStore: () => SessionStore): Promise<string[]> {
  const { tests, before, after } = collect(makeStore);
  const races = tests.filter(({ name }) => /concurrent sign-ins|racing sign-ins|redeemed four times|concurrent claims/.test(name));
  expect(races.length).toBeGreaterThanOrEqual(6);
  const failed: string[] = [];
  for (const test of races) {
    for (const step of before) await step();
    try {
      await test.body();
    } catch {
      failed.push(test.name);
    } finally {
      for (const step of after) await step();
    }
  }
  return failed;
}

/** The memory store, but `apply` writes whatever the version: what a careless store author does. */
function ignoringVersions(): SessionStore {
  const inner = memoryStore();
  return { ...inner, apply: (batch) => inner.apply({ ...batch, version: undefined }) };
}

describe('the kit catches a store that skips the version check', () => {
  it('eight race tests fail on it, and all pass on the memory store', async () => {
    expect(await failedRaces(() => memoryStore())).toEqual([]);
    const failed = (await failedRaces(ignoringVersions)).map((name) => name.slice(name.lastIndexOf(' > ') + 3));
    expect(failed).toEqual([
      'leaves exactly one live row after concurrent sign-ins from one browser',
      '8 concurrent sign-ins of 8 local users through one provider identity on two servers: its logout finds all 8',
      'of concurrent claims of one key, exactly one answers new',
      '16 concurrent sign-ins over maxSessions 3 ("evict-oldest"): 3 stay, every evicted one is refused on both',
      '16 concurrent sign-ins over maxSessions 3 ("refuse"): 3 succeed, the rest are refused with SESSION_LIMIT',
      '16 concurrent sign-ins to two tenants ("evict-oldest"): 3 stay in each tenant',
      '16 concurrent sign-ins to two tenants ("refuse"): 3 succeed in each tenant, the rest are refused',
      'one "This wasn\'t me" link redeemed four times at once on two servers: exactly one redeem acts',
    ]);
  }, 120_000);
});
