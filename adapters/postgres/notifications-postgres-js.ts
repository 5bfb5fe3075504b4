import type { RevocationNotice } from '../../src/store.js';
import type { Notifications } from './notifications.js';
import type { PostgresJsSql } from './types.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

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
  const listeners = new Set<(notice: RevocationNotice) => void>();
  const resyncs = new Map<(notice: RevocationNotice) => void, () => void>();
  let active: Promise<{ unlisten(): Promise<unknown> }> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const deliver = (payload: string): void => {
    if (payload === '') return;
    const notice: RevocationNotice = { userId: payload };
    for (const listener of listeners) {
      try {
        listener(notice);
      } catch (error) {
        // Surface a listener's bug outside the loop, as an EventEmitter listener's error would.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
  const resync = (): void => {
    for (const onResync of resyncs.values()) onResync();
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
        if (active === attempt) failures = 0;
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

  const stop = (): void => {
    clearTimeout(retry);
    retry = undefined;
    const current = active;
    active = undefined;
    if (current !== undefined) release(current);
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
      const current = active;
      clearTimeout(retry);
      retry = undefined;
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
