/** A job a manager runs on a timer: pruning, polling a transmitter. */
export interface RepeatingJob {
  /** One run; its rejection goes to `onError`. */
  readonly run: () => Promise<unknown>;
  /** Time between runs (ms); the first run starts at once. */
  readonly interval: number;
  /** Where a failed run is reported (the manager's `onError`). */
  readonly onError: (error: unknown) => void;
  /** Whether the manager was closed: a closed manager starts no more runs. */
  readonly isClosed: () => boolean;
}

/**
 * Runs a job now and then every `interval` on unref'd timers; a run still going when the next tick comes is not doubled.
 * @returns A function that stops the timers.
 */
export function startRepeating(job: RepeatingJob): () => void {
  let running = false;
  const tick = (): void => {
    if (running || job.isClosed()) return;
    running = true;
    Promise.resolve()
      .then(job.run)
      .catch((error: unknown) => job.onError(error))
      .finally(() => (running = false));
  };
  const first = setTimeout(tick, 0).unref();
  const timer = setInterval(tick, job.interval).unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

/** When a store's batched work starts no more batches: halfway to `due` (a deadline in `performance.now()` ms), leaving the other half to finish the one under way. */
export const halfwayTo = (due: number | undefined): number => (due === undefined ? Infinity : (performance.now() + due) / 2);

/** Settles as `promise` does, or rejects with `expired()` after `ms`; a value arriving later goes to `late` (to give a client back). */
export function withDeadline<T>(promise: Promise<T>, ms: number, expired: () => Error, late?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(expired());
    }, ms);
    promise.then((value) => (clearTimeout(timer), done ? late?.(value) : resolve(value)), (error: unknown) => (clearTimeout(timer), reject(error)));
  });
}
