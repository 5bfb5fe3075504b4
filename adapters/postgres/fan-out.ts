import { STORE_LIMITS, type RevocationNotice } from '../../src/store.js';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** The in-process side of LISTEN, shared by the pg and postgres.js paths. */
export interface NoticeFanOut {
  /** How many listeners are subscribed. */
  readonly size: number;
  /** Adds a listener (and its resync callback); returns its removal. */
  add(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  /** Hands a notification's payload to every listener; a listener's error never stops the others. */
  deliver(payload: string): void;
  /** LISTEN (re)started: notices published before it were missed. */
  resync(): void;
  /** Drops every listener. */
  clear(): void;
}

/** Builds the fan-out; `onEmpty` runs when the last listener leaves. */
export function noticeFanOut(onEmpty: () => void): NoticeFanOut {
  const listeners = new Set<(notice: RevocationNotice) => void>();
  const resyncs = new Map<(notice: RevocationNotice) => void, () => void>();
  return {
    get size() {
      return listeners.size;
    },
    add(listener, onResync) {
      listeners.add(listener);
      if (onResync !== undefined) resyncs.set(listener, onResync);
      return () => {
        listeners.delete(listener);
        resyncs.delete(listener);
        if (listeners.size === 0) onEmpty();
      };
    },
    deliver(payload) {
      const notice = parseNotice(payload);
      if (notice === undefined) return;
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
    },
    resync() {
      for (const onResync of resyncs.values()) onResync();
    },
    clear() {
      listeners.clear();
      resyncs.clear();
    },
  };
}

/**
 * A payload as `queries.ts` and the sign-in function send it: a user's id as it is (what every
 * release sends), or a tenant's notice, JSON longer than any id (see `tenantPayload`). Anything
 * else is taken for a user id: a notice too many only drops a cache entry.
 */
export function parseNotice(payload: string): RevocationNotice | undefined {
  if (payload === '') return undefined;
  if (payload.length > STORE_LIMITS.idLength && payload.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && 'tenantId' in parsed && typeof parsed.tenantId === 'string' && parsed.tenantId !== '') {
      return { userId: '', tenantId: parsed.tenantId };
    }
  }
  return { userId: payload };
}

/** A growing pause between LISTEN attempts (100 ms doubling to 5 s), reset by a success. */
export interface RetryBackoff {
  /** Runs `attempt` after the next pause, unless one is already waiting. */
  schedule(attempt: () => void): void;
  /** LISTEN is active: the next failure waits the shortest pause again. */
  succeeded(): void;
  /** Cancels a waiting retry. */
  cancel(): void;
}

/** Builds the backoff; its timers are unref'd, so they never keep a process alive. */
export function retryBackoff(): RetryBackoff {
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    schedule(attempt) {
      if (timer !== undefined) return;
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
      failures += 1;
      timer = setTimeout(() => {
        timer = undefined;
        attempt();
      }, delay);
      timer.unref();
    },
    succeeded() {
      failures = 0;
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
