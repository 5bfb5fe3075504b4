import { setTimeout as nextTimers } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { overriding } from '../support/overriding.js';
import { TestClock } from '../support/clock.js';

// startPruning() again while a run was going started a second timer whose first tick pruned beside it: two runs at once on one instance.
it('startPruning() called again while a run is going starts no second run beside it', async () => {
  const clock = new TestClock();
  const inner = memoryStore();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  let calls = 0;
  const store = overriding(inner, { prune: async (options) => (++calls === 1 && (arrived(), await gate), inner.prune(options)) });
  const sessions = createSessionManager({ store, clock: clock.read, maxAge: 1_000 });
  try {
    await sessions.create({ userId: 'u' });
    clock.advance(5_000);
    sessions.startPruning();
    await first;
    sessions.startPruning();
    // Timers of one delay fire in the order they were set: the restarted timer's first tick has run when this one fires.
    await nextTimers(0);
    expect(calls).toBe(1);
    const pruned = new Promise((resolve) => sessions.on('sessions.pruned', resolve));
    release();
    expect(await pruned).toMatchObject({ count: 1 });
  } finally {
    await sessions.close();
  }
});

it('a run that fails after startPruning() was called again is reported to onError once', async () => {
  const clock = new TestClock();
  const inner = memoryStore();
  let fail!: () => void;
  const gate = new Promise<void>((_, reject) => (fail = () => reject(new Error('store cut off'))));
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  let calls = 0;
  const store = overriding(inner, { prune: async (options) => (++calls === 1 && (arrived(), await gate), inner.prune(options)) });
  const errors: unknown[] = [];
  let reported!: () => void;
  const firstReport = new Promise<void>((resolve) => (reported = resolve));
  const sessions = createSessionManager({ store, clock: clock.read, maxAge: 1_000, onError: (error) => (errors.push(error), reported()) });
  try {
    await sessions.create({ userId: 'u' });
    clock.advance(5_000);
    sessions.startPruning();
    await first;
    sessions.startPruning();
    await nextTimers(0);
    fail();
    await firstReport;
    // Both timers' handlers of that one run have settled by the next turn of timers.
    await nextTimers(0);
    expect(errors).toHaveLength(1);
  } finally {
    await sessions.close();
  }
});
