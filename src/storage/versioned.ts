import { SessionError } from '../errors.js';

/** How many times an operation reads and decides again after another instance's batch came first. */
export const ATTEMPTS = 8;

/**
 * Runs read, decide, apply until a batch holds: `step` answers `undefined` when its batch lost
 * to another instance's (the version moved), and reads again. Past {@link ATTEMPTS} the answer
 * is `STORE_UNAVAILABLE`: nothing was decided, never a decision on stale rows.
 * @param what - The operation, for the error message.
 * @param step - One read, decision and apply.
 * @returns What the step that held answered.
 */
export async function versioned<T>(what: string, step: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const done = await step();
    if (done !== undefined) return done;
  }
  throw new SessionError('STORE_UNAVAILABLE', `${what}: other instances kept changing the same user's sessions; ${ATTEMPTS} attempts lost.`);
}
