import { callBack } from '../../src/events.js';
import type { RevocationNotice } from '../../src/store.js';
import type { Driver } from './driver.js';

// Published after an interruption, to learn when the subscription delivers again (no user id is empty).
const PROBE = '';
const PROBE_INTERVAL = 250;
// A tenant's notice: NUL, "t", the tenant id. The manager refuses a NUL in a user id.
const TENANT_MARK = '\u0000t';

/** The message of a tenant's notice. */
export const tenantMessage = (tenantId: string): string => `${TENANT_MARK}${tenantId}`;

const parseNotice = (message: string): RevocationNotice => (message.startsWith(TENANT_MARK) ? { userId: '', tenantId: message.slice(TENANT_MARK.length) } : { userId: message });

/** One subscriber connection, open from the first listener to the last; notices sent while it is down are lost, so `onResync` runs once it delivers again (probed every 250 ms). */
export function createNotices(driver: Driver, channel: string, onError: (error: unknown) => void) {
  const listeners = new Map<(notice: RevocationNotice) => void, (() => void) | undefined>();
  let closeSubscriber: (() => void) | undefined;
  let stopWatchingClient: (() => void) | undefined;
  let active = false;
  let probeTimer: NodeJS.Timeout | undefined;
  let probing = false;

  const stopProbing = (): void => void (clearInterval(probeTimer), (probeTimer = undefined));
  // Probe failures say nothing new while Redis is down: the subscriber already reported it.
  const probed = (): void => void (probing = false);
  const probe = (): void => void (probing || ((probing = true), driver.send(channel, ['PUBLISH', channel, PROBE]).then(probed, probed)));
  const resync = (): void => {
    active = true;
    stopProbing();
    for (const onResync of listeners.values()) callBack(onResync, undefined, onError);
  };
  const release = (): void => {
    stopProbing();
    active = false;
    stopWatchingClient?.();
    closeSubscriber?.();
    closeSubscriber = stopWatchingClient = undefined;
  };
  const open = (): (() => void) =>
    driver.subscribe(channel, {
      message(message) {
        if (!active) resync();
        if (message !== PROBE) for (const listener of listeners.keys()) callBack(listener, parseNotice(message), onError);
      },
      error: onError,
      interrupted() {
        active = false;
        if (probeTimer !== undefined) return;
        probe();
        probeTimer = setInterval(probe, PROBE_INTERVAL).unref();
      },
      subscribed: () => void (active || resync()), // a notice read with the acknowledgement resynced already
    });

  return {
    add(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void {
      listeners.set(listener, onResync);
      if (closeSubscriber === undefined) {
        closeSubscriber = open();
        // The app closed its client: the store's connection must not keep the process alive.
        stopWatchingClient = driver.onClientEnd(release);
      } else if (active) callBack(onResync, undefined, onError);
      return () => void (listeners.delete(listener) && listeners.size === 0 && release());
    },
    close: (): void => void (listeners.clear(), release()),
  };
}
