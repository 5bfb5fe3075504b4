import type { PostgresStore } from '../../adapters/postgres/index.js';
import type { RevocationNotice } from '../../src/store.js';

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; the time it took, in ms. Throws past `limitMs`. */
export async function timeUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await sleep(1);
  }
  return performance.now() - started;
}

let probes = 0;

/**
 * Waits until `subscriber` hears a revocation published by `publisher`: its LISTEN connection
 * is up. A store starts listening when the first subscriber arrives (a manager with access
 * tokens subscribes when created).
 */
export async function listening(publisher: PostgresStore, subscriber: PostgresStore): Promise<void> {
  const heard = new Set<string>();
  const unsubscribe = subscriber.subscribe!((notice: RevocationNotice) => heard.add(notice.userId));
  try {
    probes += 1;
    const probe = `probe-${process.pid}-${probes}`;
    await timeUntil(async () => {
      await publisher.apply({ owner: { userId: probe }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      await sleep(20);
      return heard.has(probe);
    }, 10_000);
  } finally {
    unsubscribe();
  }
}
