import { randomUUID } from 'node:crypto';
import type { PruneOptions } from '../../src/store.js';
import { list, numeric, text } from './codec.js';
import type { Layout } from './layout.js';
import { dueScript, markScript, pruneBucketScript, settleScript, unlockScript } from './scripts/prune.js';
import type { RunScript } from './scripts/run.js';

/** What pruning needs from the store. */
export interface PruneContext {
  readonly run: RunScript;
  readonly layout: Layout;
  readonly lockTtl: number;
  /** Gets a failed lock release: harmless (the lock expires), but not to be hidden. */
  readonly onError: (error: unknown) => void;
}

// Buckets listed per directory read, queue entries one script call looks at, and directory
// pages per prune call: together they keep each Redis call short and each prune() bounded.
const PAGE = 256;
const BUDGET = 1_000;
const MAX_PAGES = 64;

/**
 * Records that `bucket`'s prune queue holds something due at `score`. Called after every
 * write that adds to a queue (a session, a deny-list entry), never before: see {@link prune}.
 */
export async function markDue(context: PruneContext, bucket: string, score: number): Promise<void> {
  const { due, versions } = context.layout.directory;
  await context.run(markScript, [due, versions], [bucket, String(score)]);
}

/**
 * Deletes up to `limit` expired rows across all users: reads the directory of buckets with
 * something due, prunes each bucket's queue, then moves the bucket's due time forward.
 *
 * Why the directory never misses an entry: writers add to a bucket's queue first and mark the
 * directory after (lowering its due time, bumping its version); a pruner reads the version
 * before pruning the bucket and settles the due time only if the version did not move. A
 * write whose mark came before that read was already in the queue when the pruner looked at
 * it; a write whose mark came after makes the settle fail or lands after it; either way the
 * due time stays at or below the new entry. Only a writer dying between its write and its mark
 * can leave an entry unlisted, until another write to the bucket or the key's own TTL.
 *
 * Only one instance prunes at a time (a lock with a TTL): another caller gets 0 at once.
 */
export async function prune(context: PruneContext, options: PruneOptions): Promise<number> {
  const { run, layout } = context;
  const { due, versions, lock } = layout.directory;
  const token = randomUUID();
  const now = String(options.now);
  let deleted = 0;
  let locked = false;
  try {
    for (let page = 0; page < MAX_PAGES && deleted < options.limit; page++) {
      const reply = await run(dueScript, [due, versions, lock], [now, String(PAGE), token, String(context.lockTtl), locked ? '0' : '1']);
      if (reply === null || reply === undefined) break;
      locked = true;
      const items = list(reply, 'the prune directory');
      if (items.length === 0) break;
      let progress = false;
      for (let index = 0; index + 1 < items.length && deleted < options.limit; index += 2) {
        const bucket = text(items[index], 'the prune directory');
        const version = text(items[index + 1], 'the prune directory');
        const outcome = await pruneBucket(context, bucket, version, options.now, options.limit - deleted);
        deleted += outcome.deleted;
        progress ||= outcome.deleted > 0 || outcome.settled;
      }
      // Every bucket listed lost its race with a writer: the next page would list them again.
      if (!progress) break;
    }
  } finally {
    if (locked) await run(unlockScript, [lock], [token]).catch(context.onError);
  }
  return deleted;
}

async function pruneBucket(
  context: PruneContext,
  bucket: string,
  version: string,
  now: number,
  room: number,
): Promise<{ deleted: number; settled: boolean }> {
  const { run, layout } = context;
  let deleted = 0;
  for (;;) {
    const reply = list(
      await run(pruneBucketScript, [layout.queue(bucket)], [String(now), String(Math.min(room - deleted, BUDGET)), String(BUDGET), layout.bucketPrefix(bucket)]),
      'a bucket prune',
    );
    deleted += numeric(reply[0], 'a bucket prune');
    const earliest = reply[2] === null || reply[2] === undefined ? undefined : text(reply[2], 'a bucket prune');
    if (earliest === undefined || Number(earliest) > now) {
      const { due, versions } = layout.directory;
      const settled = await run(settleScript, [due, versions], [bucket, version, earliest ?? '']);
      return { deleted, settled: numeric(settled, 'a directory settle') === 1 };
    }
    // Something is still due: the limit was reached, or the budget, in which case this pass
    // removed entries and the next one goes on. A pass that removed nothing would repeat.
    if (numeric(reply[1], 'a bucket prune') === 0) return { deleted, settled: false };
    if (deleted >= room) return { deleted, settled: false };
  }
}
