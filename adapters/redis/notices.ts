import type { RevocationNotice } from '../../src/store.js';
import type { OwnedSubscriber } from './client.js';
import type { Driver } from './driver.js';

/** Fans revocation notices from one pub/sub connection out to the store's listeners. */
export interface Notices {
  add(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  /** Closes the subscriber connection if one is open. */
  close(): Promise<void>;
}

// A message no instance publishes as a notice (user ids are never empty): the store publishes
// it itself after an interruption, to learn when its subscription delivers again.
const PROBE = '';
const PROBE_INTERVAL = 250;

// A tenant's notice: NUL, "t", then the tenant id. The manager refuses a NUL in a user id, so
// no user's notice starts like this, and every other message reads as a user id, as before.
const TENANT_MARK = '\u0000t';

/** The message that announces a tenant-wide revocation. */
export function tenantMessage(tenantId: string): string {
  return `${TENANT_MARK}${tenantId}`;
}

/** A message as a notice: a tenant's, or (anything else, as always) a user id. */
export function parseNotice(message: string): RevocationNotice {
  if (message.startsWith(TENANT_MARK)) return { userId: '', tenantId: message.slice(TENANT_MARK.length) };
  return { userId: message };
}

/**
 * The subscriber connection opens with the first listener and closes with the last, or when
 * the app closes its own client, so a store nobody subscribes to never holds a second
 * connection and the store's connection never keeps a process alive on its own.
 *
 * Notices published while the connection is down are lost, so listeners' `onResync` runs
 * once the subscription is known to be active: at the first SUBSCRIBE acknowledgement, and
 * after an interruption at the first message received again. The clients resubscribe on their
 * own but do not say exactly when, so until a notice arrives the store publishes a probe every
 * 250 ms (one at a time) and counts its echo as that first message.
 */
export function createNotices(driver: Driver, channel: string, onError: (error: unknown) => void): Notices {
  const listeners = new Map<(notice: RevocationNotice) => void, (() => void) | undefined>();
  let subscriber: OwnedSubscriber | undefined;
  let active = false;
  let probeTimer: NodeJS.Timeout | undefined;
  let probeInFlight = false;
  let stopWatchingClient: (() => void) | undefined;

  const safely = (callback: () => void): void => {
    try {
      callback();
    } catch (error) {
      onError(error);
    }
  };
  const stopProbing = (): void => {
    clearInterval(probeTimer);
    probeTimer = undefined;
  };
  // Probe failures are expected while Redis is down and say nothing new: the subscriber's
  // own errors already reported the outage. The next tick tries again.
  const probe = (): void => {
    if (probeInFlight) return;
    probeInFlight = true;
    driver
      .send(channel, ['PUBLISH', channel, PROBE])
      .catch(() => undefined)
      .finally(() => {
        probeInFlight = false;
      });
  };
  const resync = (): void => {
    active = true;
    stopProbing();
    for (const onResync of listeners.values()) if (onResync !== undefined) safely(onResync);
  };
  const open = (): OwnedSubscriber =>
    driver.subscribe(channel, {
      message(message) {
        if (!active) resync();
        if (message === PROBE) return;
        for (const listener of listeners.keys()) safely(() => listener(parseNotice(message)));
      },
      error: onError,
      interrupted() {
        active = false;
        if (probeTimer !== undefined) return;
        probe();
        probeTimer = setInterval(probe, PROBE_INTERVAL);
        probeTimer.unref();
      },
      subscribed: resync,
    });
  const release = (): void => {
    stopProbing();
    active = false;
    stopWatchingClient?.();
    stopWatchingClient = undefined;
    subscriber?.close();
    subscriber = undefined;
  };

  return {
    add(listener, onResync) {
      listeners.set(listener, onResync);
      if (subscriber === undefined) {
        subscriber = open();
        // The app closed its client (maybe without closing the manager): the connection the
        // store opened would otherwise keep the process running on its own.
        stopWatchingClient = driver.onClientEnd(release);
      } else if (active && onResync !== undefined) safely(onResync);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        release();
      };
    },
    async close() {
      listeners.clear();
      release();
    },
  };
}
