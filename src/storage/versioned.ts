import { setTimeout as delay } from 'node:timers/promises';
import { SessionError } from '../errors.js';

/** How many times an operation reads and decides again after another instance's batch came first. */
const ATTEMPTS = 24;

/**
 * Runs read, decide, apply until a batch holds: `step` answers `undefined` when its batch lost
 * to another instance's (the version moved), and reads again after a short random pause, so
 * instances racing for one user take turns. Past {@link ATTEMPTS} the answer is
 * `STORE_UNAVAILABLE`: nothing was decided, never a decision on stale rows.
 */
export async function versioned<T>(what: string, step: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const done = await step();
    if (done !== undefined) return done;
    // Full jitter, growing to a quarter second: a crowd racing for one user spreads out, a pair barely waits.
    if (attempt > 0) await delay(Math.random() * Math.min(2 ** attempt, 250));
  }
  throw new SessionError('STORE_UNAVAILABLE', `${what}: other instances kept changing the same user's sessions; ${ATTEMPTS} attempts lost.`);
}
