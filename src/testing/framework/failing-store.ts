import { storeFailure } from '../../errors.js';
import type { SessionStore } from '../../store.js';

/** A store whose every call can be made to fail, as a store does when its server is down. */
export interface SwitchableStore extends SessionStore {
  /** While true, every call rejects with `SessionError` `STORE_UNAVAILABLE`. */
  failing: boolean;
  /** While true, only batches that insert a session reject (`STORE_UNAVAILABLE`): a partial outage, as a lock timeout on a sign-in's write. */
  failingCreate: boolean;
  /** While true, every call never settles: a store that hangs. */
  hanging: boolean;
}

/** Wraps `inner` so that a flag turns it into an unreachable store; nothing is lost meanwhile. */
export function switchableStore(inner: SessionStore): SwitchableStore {
  // As a real store rejects: the driver's socket error as `cause` (a framework that re-wraps errors by their cause must not lose it).
  const down = (): Promise<never> =>
    Promise.reject(storeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379 (simulated)'), { code: 'ECONNREFUSED' })));
  const guard = <T>(call: () => Promise<T>): Promise<T> => (wrapper.hanging ? new Promise<T>(() => undefined) : wrapper.failing ? down() : call());
  const wrapper: SwitchableStore = {
    failing: false,
    failingCreate: false,
    hanging: false,
    get: (sessionId) => guard(() => inner.get(sessionId)),
    readUser: (userId, tenantId, sessionId) => guard(() => inner.readUser(userId, tenantId, sessionId)),
    readTenant: (tenantId) => guard(() => inner.readTenant(tenantId)),
    readKey: (key) => guard(() => inner.readKey(key)),
    apply: (batch) => guard(() => (wrapper.failingCreate && batch.writes.some((write) => write.type === 'insert') ? down() : inner.apply(batch))),
    touch: (sessionId, times) => guard(() => inner.touch(sessionId, times)),
    prune: (options) => guard(() => inner.prune(options)),
    close: () => inner.close(),
  };
  // The optional methods, forwarded when the inner store has them (and failing with it).
  if (inner.listActivity) wrapper.listActivity = (userId, options) => guard(() => inner.listActivity!(userId, options));
  if (inner.stats) wrapper.stats = (now) => guard(() => inner.stats!(now));
  if (inner.subscribe) wrapper.subscribe = (listener, onResync) => inner.subscribe!(listener, onResync);
  return wrapper;
}
