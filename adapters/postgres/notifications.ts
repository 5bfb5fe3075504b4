import type { RevocationNotice } from '../../src/store.js';
import { quoteIdentifier } from './identifiers.js';
import type { PostgresNotification, PostgresPool, PostgresPoolClient } from './types.js';

/** Fans PostgreSQL notifications on one channel out to in-process listeners. */
export interface Notifications {
  /** Adds a listener; `onResync` runs each time LISTEN becomes active (notices may have been missed before). */
  subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  /** Stops listening and closes the LISTEN connection, if one is open. */
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

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
  const listeners = new Set<(notice: RevocationNotice) => void>();
  const resyncs = new Map<(notice: RevocationNotice) => void, () => void>();
  let client: PostgresPoolClient | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const deliver = (message: PostgresNotification): void => {
    if (message.channel !== channel || message.payload === undefined || message.payload === '') return;
    const notice: RevocationNotice = { userId: message.payload };
    for (const listener of listeners) {
      try {
        listener(notice);
      } catch (error) {
        // A listener's bug must not stop the others or the LISTEN loop, nor vanish: rethrow
        // outside this loop, as an EventEmitter listener's error would surface.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
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
    if (closed || listeners.size === 0 || retry !== undefined) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      start();
    }, delay);
    retry.unref();
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
    failures = 0;
    // Whatever was published before LISTEN took effect never reached this instance.
    for (const resync of resyncs.values()) resync();
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

  const stop = (): void => {
    clearTimeout(retry);
    retry = undefined;
    if (client !== undefined) drop(client);
  };

  return {
    subscribe(listener, onResync) {
      listeners.add(listener);
      if (onResync !== undefined) resyncs.set(listener, onResync);
      start();
      return () => {
        listeners.delete(listener);
        resyncs.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      resyncs.clear();
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
