import { SessionError, storeFailure } from './errors.js';

interface Pending {
  readonly due: number;
  readonly reject: (error: SessionError) => void;
  readonly what: string;
}

/** The deadline of a store call in ms (0: none): `storeTimeout`, or the store's longer `callTimeout`, so a call it may still complete never fails. */
export function deadlineOf(storeTimeout: number, callTimeout: unknown): number {
  if (storeTimeout === 0) return 0;
  return typeof callTimeout === 'number' && Number.isFinite(callTimeout) && callTimeout > storeTimeout ? callTimeout : storeTimeout;
}

/**
 * How the manager calls its store: every failure a `SessionError`, `STORE_UNAVAILABLE` past the deadline.
 * One shared, unref'd sweep timer: a timer per call would cost more than a validation.
 */
export class StoreCalls {
  readonly #pending = new Set<Pending>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /** @param timeout - Deadline of each call in ms, from {@link deadlineOf}; 0 turns deadlines off. */
  constructor(private readonly timeout: number) {}

  /**
   * Runs one store operation under the deadline; `what` names the store method in the timeout message.
   * The operation is handed the deadline (`performance.now()` ms, `undefined` for none), so that it sends no write once its caller was answered.
   */
  call<T>(what: string, operation: (due: number | undefined) => Promise<T>): Promise<T> {
    const due = this.timeout === 0 ? undefined : performance.now() + this.timeout;
    let started: Promise<T>;
    try {
      const answer = operation(due);
      if (typeof (answer as Partial<Promise<T>> | null)?.then !== 'function') return Promise.reject(new SessionError('STORE_ERROR', `The session store answered ${what}() with no promise.`));
      // A thenable of the store's own whose then() throws rejects here, and so is a store failure too.
      started = Promise.resolve(answer);
    } catch (error) {
      return Promise.reject(storeFailure(error));
    }
    if (due === undefined) return started.then(undefined, rethrowAsStoreFailure);
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { due, reject, what };
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
    return setInterval(() => this.#sweep(), Math.max(5, Math.ceil(this.timeout / 4))).unref();
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
      entry.reject(new SessionError('STORE_UNAVAILABLE', `The session store did not answer ${entry.what}() within ${this.timeout} ms (the storeTimeout option, or the store's callTimeout).`));
    }
  }
}

function rethrowAsStoreFailure(error: unknown): never {
  throw storeFailure(error);
}
