import { randomUUID } from 'node:crypto';
import type { PruneOptions } from '../../src/store.js';
import { list, numeric, text } from './codec.js';
import type { Directory, Layout } from './layout.js';
import { dueScript, markScript, pruneBucketScript, pruneOwnersScript, settleScript, unlockScript } from './scripts/prune.js';
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

/**
 * One kind of queue with its directory: the main one (sessions, deny-list, links, due at
 * `now`), activity entries (due at `activityBefore`) and known devices (due at `devicesBefore`).
 */
export type Lane = 'main' | 'activity' | 'devices';

function directoryOf(layout: Layout, lane: Lane): Directory {
  return lane === 'main' ? layout.directory : lane === 'activity' ? layout.lanes.a : layout.lanes.v;
}

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
export async function markDue(context: PruneContext, marks: readonly DueMark[]): Promise<void> {
  if (marks.length === 0) return;
  const keys: string[] = [];
  const args: string[] = [];
  for (const { bucket, score, lane } of marks) {
    const { due, versions } = directoryOf(context.layout, lane);
    keys.push(due, versions);
    args.push(bucket, String(score));
  }
  await context.run(markScript, keys, args);
}

/** Something queued in `bucket`'s queue of `lane`, due at `score`. */
export interface DueMark {
  readonly bucket: string;
  readonly score: number;
  readonly lane: Lane;
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
  const token = randomUUID();
  const lock = { token, held: false };
  let deleted = 0;
  try {
    deleted = await pruneLane(context, 'main', options.now, options.limit, lock);
    // Activity entries, then known devices, share one more bound of `limit`, under the same lock.
    let left = options.limit;
    if (lock.held && options.activityBefore !== undefined) left -= await pruneLane(context, 'activity', options.activityBefore, left, lock);
    if (lock.held && options.devicesBefore !== undefined && left >= 1) await pruneLane(context, 'devices', options.devicesBefore, left, lock);
  } finally {
    if (lock.held) await context.run(unlockScript, [context.layout.directory.lock], [token]).catch(context.onError);
  }
  return deleted;
}

/** Prunes one lane up to `limit` entries due at `cutoff`; takes the lock on its first page if not held yet. */
async function pruneLane(context: PruneContext, lane: Lane, cutoff: number, limit: number, lock: { readonly token: string; held: boolean }): Promise<number> {
  const { run, layout } = context;
  const { due, versions } = directoryOf(layout, lane);
  let deleted = 0;
  for (let page = 0; page < MAX_PAGES && deleted < limit; page++) {
    const reply = await run(dueScript, [due, versions, layout.directory.lock], [String(cutoff), String(PAGE), lock.token, String(context.lockTtl), lock.held ? '0' : '1']);
    if (reply === null || reply === undefined) {
      // Another instance holds the lock (or took it over after ours ran out): stop here.
      lock.held = false;
      break;
    }
    lock.held = true;
    const listed = dueBuckets(reply);
    if (listed.length === 0) break;
    let progress = false;
    for (let start = 0; start < listed.length; ) {
      // Whole rows only: a fractional limit must not let a bucket delete one row too many.
      const room = Math.floor(limit - deleted);
      if (room < 1) break;
      const wave = listed.slice(start, start + Math.min(CONCURRENCY, room));
      start += wave.length;
      for (const outcome of await pruneWave(context, lane, wave, cutoff, room)) {
        deleted += outcome.deleted;
        progress ||= outcome.deleted > 0 || outcome.settled;
      }
    }
    // Every bucket listed lost its race with a writer: the next page would list them again.
    if (!progress) break;
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
async function pruneWave(context: PruneContext, lane: Lane, buckets: readonly DueBucket[], now: number, room: number): Promise<BucketOutcome[]> {
  const share = Math.floor(room / buckets.length);
  const extra = room % buckets.length;
  const results = await Promise.allSettled(
    buckets.map(({ bucket, version }, index) => pruneBucket(context, lane, bucket, version, now, share + (index < extra ? 1 : 0))),
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
  lane: Lane,
  bucket: string,
  version: string,
  now: number,
  room: number,
): Promise<BucketOutcome> {
  const { run, layout } = context;
  let deleted = 0;
  for (;;) {
    const batch = [String(now), String(Math.min(room - deleted, BUDGET)), String(BUDGET), layout.bucketPrefix(bucket)];
    const reply = list(
      lane === 'main'
        ? await run(pruneBucketScript, [layout.queue(bucket)], batch)
        : lane === 'activity'
          ? await run(pruneOwnersScript, [layout.activityQueue(bucket)], [...batch, 'a'])
          : await run(pruneOwnersScript, [layout.deviceQueue(bucket)], [...batch, 'v']),
      'a bucket prune',
    );
    deleted += numeric(reply[0], 'a bucket prune');
    const earliest = reply[2] === null || reply[2] === undefined ? undefined : text(reply[2], 'a bucket prune');
    if (earliest === undefined || Number(earliest) > now) {
      const { due, versions } = directoryOf(layout, lane);
      const settled = await run(settleScript, [due, versions], [bucket, version, earliest ?? '']);
      return { deleted, settled: numeric(settled, 'a directory settle') === 1 };
    }
    // Something is still due: the limit was reached, or the budget, in which case this pass
    // removed entries and the next one goes on. A pass that removed nothing would repeat.
    if (numeric(reply[1], 'a bucket prune') === 0) return { deleted, settled: false };
    if (deleted >= room) return { deleted, settled: false };
  }
}
