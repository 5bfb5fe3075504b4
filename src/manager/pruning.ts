import { setImmediate } from 'node:timers/promises';
import { invalidInput } from '../errors.js';
import { isWholeNumber } from '../option-checks.js';
import { checkCount } from '../store-answers.js';
import type { ManagerContext } from '../core/context.js';
import { startRepeating } from '../core/timer.js';

/** Deleting expired rows: once on demand, or on a timer. */
export interface Pruning {
  /** Deletes expired rows in bounded batches, up to `limit`; resolves with the count. */
  prune(options?: { readonly limit?: number }): Promise<number>;
  /** Prunes every `pruneInterval` on an unref'd timer; a second call restarts it. */
  start(): () => void;
  /** Stops the timer, if running. */
  stop(): void;
}

/** Builds the pruner over the manager's shared context. */
export function createPruning(context: ManagerContext): Pruning {
  const { store, config, calls, ensureOpen } = context;
  let stopTimer: (() => void) | undefined;
  let running: Promise<number> | undefined;

  const prune = async (options: { readonly limit?: number } = {}): Promise<number> => {
    ensureOpen();
    const limit = options?.limit === undefined ? Number.MAX_SAFE_INTEGER : options.limit;
    if (!isWholeNumber(limit, 1)) throw invalidInput('prune(): limit must be a whole number >= 1.');
    const now = config.clock();
    // Activity and known devices run out with the same batches (stores that keep them).
    const before = context.keepsActivity ? { activityBefore: now - config.activityRetention, devicesBefore: now - config.knownDeviceWindow } : {};
    let total = 0;
    try {
      // Bounded batches, so no call holds the store long; a store may stop one short, so only an empty batch ends.
      while (total < limit) {
        const batch = Math.min(config.pruneBatchSize, limit - total);
        const deleted = checkCount(await calls.call('prune', (due) => store.prune({ now, limit: batch, ...before, due })), 'prune');
        total += deleted;
        if (deleted === 0) break;
        // A turn for the app between batches: a synchronous store (SQLite) would hold the event loop until the whole backlog is gone.
        await setImmediate();
      }
    } finally {
      // Also when a later batch failed: the rows of those before are gone, and no later run counts them.
      if (total > 0) context.hub.emit({ type: 'sessions.pruned', at: now, reason: 'expired', count: total });
    }
    return total;
  };

  const start = (): (() => void) => {
    ensureOpen();
    stopTimer?.();
    // A restarted timer joins the run still going rather than pruning beside it; that run's own timer reports its failure.
    const run = (): Promise<unknown> => (running !== undefined ? running.catch(() => {}) : (running = prune().finally(() => (running = undefined))));
    const stop = startRepeating({ run, interval: config.pruneInterval, onError: config.onError, isClosed: context.isClosed });
    stopTimer = () => {
      stop();
      stopTimer = undefined;
    };
    return stopTimer;
  };

  return { prune, start, stop: () => stopTimer?.() };
}
