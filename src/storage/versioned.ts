import { setTimeout as delay } from 'node:timers/promises';
import { settled, settledWithin } from '../settled-within.js';
import { SessionError } from '../errors.js';
import { getOrAdd } from '../get-or-add.js';
import { checkFlag } from '../store-answers.js';
import type { SessionStore } from '../store.js';
import type { Batch, Owner } from '../store-writes.js';

// Tries after losing to another instance's batch: pauses adding up to about the default `storeTimeout`, so two servers busy with one user are told apart by the deadline, not by running out of attempts.
const ATTEMPTS = 48;

// The longest (ms, from when it started) an operation waits for the one queued before it; then they race, and the version decides.
const LONGEST_WAIT = 250;

/** An operation's place in its owner's queue: when its turn came, and when it was done. Neither rejects. */
interface Turn {
  readonly started: Promise<void>;
  readonly done: Promise<void>;
}

const queues = new WeakMap<SessionStore, Map<string, Turn>>();

/** Sends a step's batch: whether it held. Past the caller's deadline it sends none and throws `STORE_UNAVAILABLE`; else `onSend` runs first. */
export type ApplyBatch = (batch: Batch, onSend?: () => void) => Promise<boolean>;

/**
 * Runs read, decide, apply until a batch holds: `step` answers `undefined` when its batch lost to another instance's (the version moved), and reads
 * again after a short random pause. Past {@link ATTEMPTS} the answer is `STORE_UNAVAILABLE`: nothing was decided, never a decision on stale rows.
 *
 * Within one process the operations on one owner of one store queue instead of racing (a burst of one user's sign-ins would otherwise
 * lose the version to itself) but for `queued = false` (a rotation, the settling of a sign-in); other instances race, the version decides.
 *
 * @param due - The caller's deadline (`performance.now()` ms), `undefined` for none. Once passed, the caller was answered
 * `STORE_UNAVAILABLE`, so no attempt starts and no batch is sent; a batch already sent may still land.
 */
export function versioned<T>(store: SessionStore, owner: Owner, what: string, due: number | undefined, step: (apply: ApplyBatch) => Promise<T | undefined>, queued = true): Promise<T> {
  const name = ownerName(owner);
  const apply: ApplyBatch = async (batch, onSend) => {
    inTime(what, due);
    onSend?.();
    return checkFlag(await store.apply(batch), 'apply');
  };
  const run = (): Promise<T> => attempts(what, name.slice(0, name.indexOf(' ')), due, () => step(apply));
  // `queued: false` for an operation that must race the one before it (settling a sign-in still on its way), or that writes once and then only reads (a rotation).
  if (!queued) return run();
  const queue = getOrAdd(queues, store, () => new Map<string, Turn>());
  const before = queue.get(name);
  const started = before === undefined ? Promise.resolve() : before.started.then(() => settledWithin(before.done, LONGEST_WAIT));
  const result = started.then(run);
  const turn: Turn = { started, done: result.then(settled, settled) };
  queue.set(name, turn);
  void turn.done.then(() => {
    if (queue.get(name) === turn) queue.delete(name);
  });
  return result;
}

async function attempts<T>(what: string, ownerKind: string, due: number | undefined, step: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    inTime(what, due);
    const done = await step();
    if (done !== undefined) return done;
    // Full jitter, growing to a quarter second: a crowd racing for one user spreads out, a pair barely waits.
    if (attempt > 0) await delay(Math.random() * Math.min(2 ** attempt, 250));
  }
  throw new SessionError('STORE_UNAVAILABLE', `${what}: other instances kept changing the same ${ownerKind}; ${ATTEMPTS} attempts lost.`);
}

function inTime(what: string, due: number | undefined): void {
  if (due !== undefined && performance.now() >= due) throw new SessionError('STORE_UNAVAILABLE', `${what}: its caller stopped waiting (storeTimeout) before its batch was sent; nothing was written.`);
}

function ownerName(owner: Owner): string {
  if ('userId' in owner) return `user ${owner.userId}`;
  return 'tenantId' in owner ? `tenant ${owner.tenantId}` : `key ${owner.key}`;
}
