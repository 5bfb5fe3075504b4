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
// Buckets pruned at once. Both clients pipeline concurrent commands on one connection (and a
// cluster client sends each to its own key's node), so a wave of buckets costs the two round
// trips one bucket did; more would only queue longer behind each other under commandTimeout.
const CONCURRENCY = 64;

/** A bucket the directory listed, with the version the settle step checks. */
interface DueBucket {
  readonly bucket: string;
  readonly version: string;
}

/** What pruning one bucket did. */
interface BucketOutcome {
  readonly deleted: number;
  /** Whether its due time moved forward (or it left the directory). */
  readonly settled: boolean;
}

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
 * something due, prunes the buckets' queues (up to 64 at once, each with an equal share of
 * what is left of `limit`), then moves each bucket's due time forward.
 *
 * Why the directory never misses an entry: writers add to a bucket's queue first and mark the
 * directory after (lowering its due time, bumping its version); a pruner reads the version
 * before pruning the bucket and settles the due time only if the version did not move. A
 * write whose mark came before that read was already in the queue when the pruner looked at
 * it; a write whose mark came after makes the settle fail or lands after it; either way the
 * due time stays at or below the new entry. Only a writer dying between its write and its mark
 * can leave an entry unlisted, until another write to the bucket or the key's own TTL.
 * Buckets pruned at once share nothing: each one's prune and settle touch its own queue and
 * its own directory entry.
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
      const listed = dueBuckets(reply);
      if (listed.length === 0) break;
      let progress = false;
      for (let start = 0; start < listed.length; ) {
        // Whole rows only: a fractional limit must not let a bucket delete one row too many.
        const room = Math.floor(options.limit - deleted);
        if (room < 1) break;
        const wave = listed.slice(start, start + Math.min(CONCURRENCY, room));
        start += wave.length;
        for (const outcome of await pruneWave(context, wave, options.now, room)) {
          deleted += outcome.deleted;
          progress ||= outcome.deleted > 0 || outcome.settled;
        }
      }
      // Every bucket listed lost its race with a writer: the next page would list them again.
      if (!progress) break;
    }
  } finally {
    if (locked) await run(unlockScript, [lock], [token]).catch(context.onError);
  }
  return deleted;
}

function dueBuckets(reply: unknown): DueBucket[] {
  const items = list(reply, 'the prune directory');
  const buckets: DueBucket[] = [];
  for (let index = 0; index + 1 < items.length; index += 2) {
    buckets.push({ bucket: text(items[index], 'the prune directory'), version: text(items[index + 1], 'the prune directory') });
  }
  return buckets;
}

/**
 * Prunes `buckets` at once, each with an equal share of `room` (the first ones get one row
 * more when it does not divide evenly), so together they never delete more than `room`, and
 * the caller passes no more buckets than `room` so that every share is at least one row. A
 * bucket with more due than its share stays due, and a later page or call comes back to it.
 * On a failure it still waits for every bucket before rejecting with the first error: the
 * lock must outlive all of them, and none may run on behind a call that already returned.
 * Nothing is lost meanwhile: a bucket that did not settle stays due for the next prune.
 */
async function pruneWave(context: PruneContext, buckets: readonly DueBucket[], now: number, room: number): Promise<BucketOutcome[]> {
  const share = Math.floor(room / buckets.length);
  const extra = room % buckets.length;
  const results = await Promise.allSettled(
    buckets.map(({ bucket, version }, index) => pruneBucket(context, bucket, version, now, share + (index < extra ? 1 : 0))),
  );
  const outcomes: BucketOutcome[] = [];
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
    outcomes.push(result.value);
  }
  return outcomes;
}

async function pruneBucket(
  context: PruneContext,
  bucket: string,
  version: string,
  now: number,
  room: number,
): Promise<BucketOutcome> {
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
