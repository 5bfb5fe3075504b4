import { SessionError } from '../../src/errors.js';
import type { SessionStore } from '../../src/store.js';

/** A real store wrapped to count calls per method and, on demand, to fail like an outage. */
export interface InstrumentedStore extends SessionStore {
  readonly calls: Map<string, number>;
  failing: boolean;
  total(): number;
}

export function instrument(inner: SessionStore): InstrumentedStore {
  const calls = new Map<string, number>();
  const wrapper = {
    calls,
    failing: false,
    total: () => [...calls.values()].reduce((sum, count) => sum + count, 0),
  } as InstrumentedStore;
  for (const method of ['create', 'get', 'touch', 'reauthenticate', 'revoke', 'revokeAll', 'revokeOthers', 'listByUser', 'getRevocationState', 'eraseUser', 'prune'] as const) {
    (wrapper as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      if (wrapper.failing) throw new SessionError('STORE_UNAVAILABLE', 'The test store is down.');
      return (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  if (inner.subscribe) (wrapper as { subscribe: SessionStore['subscribe'] }).subscribe = inner.subscribe.bind(inner);
  if (inner.close) (wrapper as { close: SessionStore['close'] }).close = inner.close.bind(inner);
  return wrapper;
}
