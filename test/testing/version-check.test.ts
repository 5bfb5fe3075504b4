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
function collect(makeStore: () => SessionStore, sibling?: (store: SessionStore) => SessionStore): { tests: Collected[]; before: Array<() => unknown>; after: Array<() => unknown> } {
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
  describeStoreConformance('collected', makeStore, { runner, sibling });
  return { tests, before, after };
}

/** Runs each race test of the kit (those whose names `races` matches) over the store, answering which failed. */
async function failedRaces(makeStore: () => SessionStore, races = /concurrent sign-ins|racing sign-ins|redeemed four times|concurrent claims|tenant admin's sign-out|wasn't me" ends/, sibling?: (store: SessionStore) => SessionStore): Promise<string[]> {
  const { tests: all, before, after } = collect(makeStore, sibling);
  const tests = all.filter(({ name }) => races.test(name));
  expect(tests.length).toBeGreaterThanOrEqual(1);
  const failed: string[] = [];
  for (const test of tests) {
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

/** The memory store, but `touch` reads the row and writes it back whole a turn later: a read-modify-write without a condition. */
function touchingBlindly(inner: SessionStore): SessionStore {
  return {
    ...inner,
    async touch(sessionId, times) {
      const found = await inner.get(sessionId);
      if (found === null || found.session.revokedAt !== undefined) return false;
      await new Promise(setImmediate);
      const session = { ...found.session, lastUsedAt: Math.max(found.session.lastUsedAt, times.lastUsedAt ?? 0) };
      return inner.apply({ owner: { userId: session.userId }, writes: [{ type: 'insert', session }] });
    },
  };
}

const DATA_CALLS = new Set(['get', 'readUser', 'readTenant', 'readKey', 'apply', 'touch', 'prune', 'listActivity']);

/** `inner` through one queue, as over one connection: its calls take turns; another queue over the same data is another connection. */
function queued(inner: SessionStore): SessionStore {
  let last: Promise<unknown> = Promise.resolve();
  return new Proxy(inner, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function' || !DATA_CALLS.has(String(name))) return value;
      return (...args: unknown[]) => {
        const run = last.then(() => value.apply(target, args) as Promise<unknown>);
        last = run.catch(() => undefined);
        return run;
      };
    },
  });
}

describe('the kit catches a store whose touch can undo a revocation, even when its calls take turns', () => {
  it('the touch race fails on it, over two connections, and passes on the memory store', async () => {
    const blind = () => {
      const data = touchingBlindly(memoryStore());
      return { store: queued(data), sibling: () => queued(data) };
    };
    let current = blind();
    const made = () => (current = blind()).store;
    expect(await failedRaces(() => queued(memoryStore()), /touch racing/)).toEqual([]);
    expect((await failedRaces(made, /touch racing/, () => current.sibling())).map((name) => name.slice(name.lastIndexOf(' > ') + 3))).toEqual(['touch racing with revoke (from another instance) always ends revoked']);
  });
});

describe('the kit catches a store that skips the version check', () => {
  it('ten race tests fail on it, and all pass on the memory store', async () => {
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
      "a tenant admin's sign-out of a user ends a password change's new session stored between its read and its write",
      '"This wasn\'t me" ends the new session of a password change on that device stored between its read and its write',
      'one "This wasn\'t me" link redeemed four times at once on two servers: exactly one redeem acts',
    ]);
  }, 120_000);
});
