import { noticeFanOut, retryBackoff } from './fan-out.js';
import type { Notifications } from './notifications.js';
import type { PostgresJsSql } from './types.js';

/**
 * LISTEN through postgres.js's own `listen`, which keeps a dedicated connection and
 * re-establishes it after a failure, calling back each time it is listening again (the store
 * resyncs then: notices published while it was down were missed). A first LISTEN that fails is
 * retried after a growing pause.
 *
 * @param sql - The client whose connection settings the LISTEN connection uses.
 * @param channel - The channel the store's revocations `pg_notify` on.
 * @param timeoutMs - Deadline of establishing LISTEN.
 */
export function notifications(sql: PostgresJsSql, channel: string, timeoutMs: number): Notifications {
  let active: Promise<{ unlisten(): Promise<unknown> }> | undefined;
  let closed = false;
  const listeners = noticeFanOut(() => stop());
  const backoff = retryBackoff();
  const deliver = (payload: string): void => listeners.deliver(payload);
  const resync = (): void => listeners.resync();

  const scheduleRetry = (): void => {
    if (closed || listeners.size === 0) return;
    backoff.schedule(() => start());
  };

  const start = (): void => {
    if (closed || listeners.size === 0 || active !== undefined) return;
    const attempt = sql.listen(channel, deliver, resync);
    active = attempt;
    const timer = setTimeout(() => {
      if (active !== attempt) return;
      active = undefined;
      release(attempt);
      scheduleRetry();
    }, timeoutMs);
    attempt.then(
      (handle) => {
        clearTimeout(timer);
        if (active === attempt) backoff.succeeded();
        else void handle.unlisten().catch(() => undefined);
      },
      () => {
        clearTimeout(timer);
        if (active !== attempt) return;
        active = undefined;
        scheduleRetry();
      },
    );
  };

  function stop(): void {
    backoff.cancel();
    const current = active;
    active = undefined;
    if (current !== undefined) release(current);
  }

  return {
    subscribe(listener, onResync) {
      const remove = listeners.add(listener, onResync);
      start();
      return remove;
    },
    async close() {
      closed = true;
      listeners.clear();
      const current = active;
      backoff.cancel();
      active = undefined;
      await current?.then(
        (handle) => handle.unlisten(),
        () => undefined,
      ).catch(() => undefined);
    },
  };
}

/** Unlistens once the LISTEN that was given up on settles, if it ever succeeds. */
function release(attempt: Promise<{ unlisten(): Promise<unknown> }>): void {
  attempt.then(
    (handle) => handle.unlisten().catch(() => undefined),
    () => undefined,
  );
}
