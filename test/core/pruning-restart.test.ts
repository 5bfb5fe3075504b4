import { setTimeout as nextTimers } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';
import { TestClock } from '../support/clock.js';

// A manager with an expired session whose first prune call waits until the test ends it; `started` once it has begun.
async function firstPruneHeld(onError?: (error: unknown) => void) {
  const clock = new TestClock();
  const inner = memoryStore();
  let end!: (outcome: 'release' | 'fail') => void;
  const gate = new Promise<void>((resolve, reject) => (end = (outcome) => (outcome === 'release' ? resolve() : reject(new Error('store cut off')))));
  let arrived!: () => void;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  let calls = 0;
  const store = overriding(inner, { prune: async (options) => (++calls === 1 && (arrived(), await gate), inner.prune(options)) });
  const sessions = createSessionManager({ store, clock: clock.read, maxAge: 1_000, ...(onError === undefined ? {} : { onError }) });
  await sessions.create({ userId: 'u' });
  clock.advance(5_000);
  return { sessions, started, end, calls: () => calls };
}

// startPruning() again while a run was going started a second timer whose first tick pruned beside it: two runs at once on one instance.
it('startPruning() called again while a run is going starts no second run beside it', async () => {
  const { sessions, started, end, calls } = await firstPruneHeld();
  try {
    sessions.startPruning();
    await started;
    sessions.startPruning();
    // Timers of one delay fire in the order they were set: the restarted timer's first tick has run when this one fires.
    await nextTimers(0);
    expect(calls()).toBe(1);
    const pruned = new Promise((resolve) => sessions.on('sessions.pruned', resolve));
    end('release');
    expect(await pruned).toMatchObject({ count: 1 });
  } finally {
    await sessions.close();
  }
});

it('a run that fails after startPruning() was called again is reported to onError once', async () => {
  const errors: unknown[] = [];
  let reported!: () => void;
  const firstReport = new Promise<void>((resolve) => (reported = resolve));
  const { sessions, started, end } = await firstPruneHeld((error) => (errors.push(error), reported()));
  try {
    sessions.startPruning();
    await started;
    sessions.startPruning();
    await nextTimers(0);
    end('fail');
    await firstReport;
    // Both timers' handlers of that one run have settled by the next turn of timers.
    await nextTimers(0);
    expect(errors).toHaveLength(1);
  } finally {
    await sessions.close();
  }
});
