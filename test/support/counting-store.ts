import { SessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';

/** A real store wrapped to count calls per method and, on demand, to fail like an outage. */
export interface InstrumentedStore extends SessionStore {
  readonly calls: Map<string, number>;
  /** Each call in order: the method and its first argument. */
  readonly log: Array<readonly [string, unknown]>;
  failing: boolean;
  total(): number;
}

const methods = ['get', 'readUser', 'readTenant', 'readKey', 'apply', 'touch', 'prune', 'listActivity', 'stats'] as const;

export function instrument(inner: SessionStore): InstrumentedStore {
  const calls = new Map<string, number>();
  const wrapper = {
    calls,
    log: [],
    failing: false,
    total: () => [...calls.values()].reduce((sum, count) => sum + count, 0),
    close: () => inner.close(),
  } as unknown as InstrumentedStore;
  for (const method of methods) {
    const call = inner[method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (call === undefined) continue;
    (wrapper as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      wrapper.log.push([method, args[0]]);
      if (wrapper.failing) throw new SessionError('STORE_UNAVAILABLE', 'The test store is down.');
      return call.apply(inner, args);
    };
  }
  if (inner.subscribe) (wrapper as { subscribe: SessionStore['subscribe'] }).subscribe = inner.subscribe.bind(inner);
  return wrapper;
}
