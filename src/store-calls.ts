import { SessionError, storeFailure } from './errors.js';

interface Pending {
  readonly due: number;
  readonly reject: (error: SessionError) => void;
  readonly what: string;
}

/**
 * The deadline of every store call, in ms (0: none): the manager's `storeTimeout`, or the
 * store's own `callTimeout` when that is longer, so a call the store may still complete (a
 * revocation waiting for replicas) is never reported as failed. The manager's deadline starts
 * once the store's call has started, so a store that keeps its `callTimeout` answers first.
 */
export function deadlineOf(storeTimeout: number, callTimeout: unknown): number {
  if (storeTimeout === 0) return 0;
  return typeof callTimeout === 'number' && Number.isFinite(callTimeout) && callTimeout > storeTimeout ? callTimeout : storeTimeout;
}

/**
 * How the manager calls its store: the one deadline on a store call, and every failure as a
 * `SessionError`. A store that never answers must not hold a request (or a sign-out) forever:
 * past the deadline the call rejects with `STORE_UNAVAILABLE`, so the HTTP layer answers 503
 * and keeps the cookie.
 *
 * One shared, unref'd sweep timer checks the deadlines: a timer per call costs several times
 * what a validation does.
 */
export class StoreCalls {
  readonly #timeout: number;
  readonly #pending = new Set<Pending>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /** @param timeout - Deadline of each call in ms, from {@link deadlineOf}; 0 turns deadlines off. */
  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /**
   * Runs one store operation under the deadline.
   * @param what - The store method, for the timeout message.
   * @param operation - Starts the call.
   * @returns What the store answered; rejects with a `SessionError` (the store's own, or
   * `STORE_ERROR` wrapping anything else, or `STORE_UNAVAILABLE` past the deadline).
   */
  call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    let started: Promise<T>;
    try {
      started = operation();
    } catch (error) {
      return Promise.reject(storeFailure(error));
    }
    if (this.#timeout === 0) return started.then(undefined, rethrowAsStoreFailure);
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { due: performance.now() + this.#timeout, reject, what };
      this.#pending.add(entry);
      this.#sweeper ??= this.#startSweeper();
      started.then(
        (value) => {
          this.#pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(entry);
          reject(storeFailure(error));
        },
      );
    });
  }

  #startSweeper(): ReturnType<typeof setInterval> {
    // A quarter of the timeout: a hung call is refused between 1x and 1.25x the deadline.
    const timer = setInterval(() => this.#sweep(), Math.max(5, Math.ceil(this.#timeout / 4)));
    timer.unref();
    return timer;
  }

  #sweep(): void {
    // Nothing waits: the timer goes, and the next call starts it again.
    if (this.#pending.size === 0) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
      return;
    }
    const now = performance.now();
    for (const entry of this.#pending) {
      if (entry.due > now) continue;
      this.#pending.delete(entry);
      entry.reject(new SessionError('STORE_UNAVAILABLE', `The session store did not answer ${entry.what}() within ${this.#timeout} ms (the storeTimeout option, or the store's callTimeout).`));
    }
  }
}

function rethrowAsStoreFailure(error: unknown): never {
  throw storeFailure(error);
}
