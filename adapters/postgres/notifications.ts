import type { RevocationNotice } from '../../src/store.js';
import { noticeFanOut, retryBackoff } from './fan-out.js';
import { quoteIdentifier } from './identifiers.js';
import type { PostgresNotification, PostgresPool, PostgresPoolClient } from './types.js';

/** Fans PostgreSQL notifications on one channel out to in-process listeners. */
export interface Notifications {
  /** Adds a listener; `onResync` runs each time LISTEN becomes active (notices may have been missed before). */
  subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  /** Stops listening and closes the LISTEN connection, if one is open. */
  close(): Promise<void>;
}

/**
 * Keeps one pooled connection in `LISTEN <channel>` while anyone is subscribed, and opens a
 * new one (after a growing pause) whenever it fails: notices published while it is down are
 * missed, which the manager's epoch cache TTL bounds.
 *
 * @param pool - Where the LISTEN connection comes from (it occupies one slot of the pool).
 * @param channel - The channel the store's revocations `pg_notify` on.
 * @param timeoutMs - Deadline of connecting and of the LISTEN statement.
 */
export function notifications(pool: PostgresPool, channel: string, timeoutMs: number): Notifications {
  let client: PostgresPoolClient | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  const listeners = noticeFanOut(() => stop());
  const backoff = retryBackoff();

  const deliver = (message: PostgresNotification): void => {
    if (message.channel !== channel || message.payload === undefined) return;
    listeners.deliver(message.payload);
  };

  const drop = (failed: PostgresPoolClient): void => {
    if (client !== failed) return;
    client = undefined;
    failed.removeListener('notification', deliver);
    failed.removeListener('error', onFailure);
    failed.removeListener('end', onFailure);
    // A connection in LISTEN must never go back to the pool: close it.
    failed.release(true);
  };
  const onFailure = (): void => {
    if (client === undefined) return;
    drop(client);
    scheduleRetry();
  };

  const scheduleRetry = (): void => {
    if (closed || listeners.size === 0) return;
    backoff.schedule(() => start());
  };

  const connect = async (): Promise<void> => {
    const checkedOut = await withDeadline(pool.connect(), timeoutMs, (late) => late.release());
    if (closed || listeners.size === 0) {
      checkedOut.release();
      return;
    }
    client = checkedOut;
    checkedOut.on('notification', deliver);
    checkedOut.on('error', onFailure);
    checkedOut.on('end', onFailure);
    await withDeadline(checkedOut.query({ text: `LISTEN ${quoteIdentifier(channel)}` }), timeoutMs);
    backoff.succeeded();
    // Whatever was published before LISTEN took effect never reached this instance.
    listeners.resync();
  };

  const start = (): void => {
    if (closed || listeners.size === 0 || client !== undefined || connecting !== undefined) return;
    connecting = connect()
      .catch(() => {
        if (client !== undefined) drop(client);
        scheduleRetry();
      })
      .finally(() => {
        connecting = undefined;
      });
  };

  function stop(): void {
    backoff.cancel();
    if (client !== undefined) drop(client);
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
      await connecting;
      stop();
    },
  };
}

/** Rejects after `ms`; a value that arrives later is handed to `late` (to release a client). */
function withDeadline<T>(promise: Promise<T>, ms: number, late?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (expired) late?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
