import { SessionError } from '../../errors.js';
import type { SessionStore } from '../../store.js';

/** A store whose every call can be made to fail, as a store does when its server is down. */
export interface SwitchableStore extends SessionStore {
  /** While true, every call rejects with `SessionError` `STORE_UNAVAILABLE`. */
  failing: boolean;
  /**
   * While true, only `create` rejects (`STORE_UNAVAILABLE`) and reads and revocations work: a
   * partial outage, as a write timeout or a lock timeout on the write alone gives.
   */
  failingCreate: boolean;
  /** While true, every call never settles: a store that hangs. */
  hanging: boolean;
}

/** Wraps `inner` so that a flag turns it into an unreachable store; nothing is lost meanwhile. */
export function switchableStore(inner: SessionStore): SwitchableStore {
  const down = (): Promise<never> => Promise.reject(new SessionError('STORE_UNAVAILABLE', 'The store is down (simulated).'));
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (wrapper.hanging) return new Promise<T>(() => undefined);
    return wrapper.failing ? down() : call();
  };
  const wrapper: SwitchableStore = {
    failing: false,
    failingCreate: false,
    hanging: false,
    create: (record, options) => guard(() => (wrapper.failingCreate ? down() : inner.create(record, options))),
    get: (sessionId) => guard(() => inner.get(sessionId)),
    touch: (sessionId, at) => guard(() => inner.touch(sessionId, at)),
    reauthenticate: (sessionId, at) => guard(() => inner.reauthenticate(sessionId, at)),
    revoke: (sessionId, options) => guard(() => inner.revoke(sessionId, options)),
    revokeAll: (userId, options) => guard(() => inner.revokeAll(userId, options)),
    revokeOthers: (userId, options) => guard(() => inner.revokeOthers(userId, options)),
    listByUser: (userId) => guard(() => inner.listByUser(userId)),
    getRevocationState: (userId, tenantId) => guard(() => (tenantId === undefined ? inner.getRevocationState(userId) : inner.getRevocationState(userId, tenantId))),
    eraseUser: (userId) => guard(() => inner.eraseUser(userId)),
    prune: (options) => guard(() => inner.prune(options)),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  // The optional capabilities, forwarded when the inner store has them (and failing with it).
  const optional = {
    revokeTenant: inner.revokeTenant && ((tenantId, options) => guard(() => inner.revokeTenant!(tenantId, options))),
    appendActivity: inner.appendActivity && ((entries) => guard(() => inner.appendActivity!(entries))),
    listActivity: inner.listActivity && ((userId, options) => guard(() => inner.listActivity!(userId, options))),
    rememberDevice: inner.rememberDevice && ((userId, hash, at) => guard(() => inner.rememberDevice!(userId, hash, at))),
    listDevices: inner.listDevices && ((userId) => guard(() => inner.listDevices!(userId))),
    saveRevocationLink: inner.saveRevocationLink && ((link) => guard(() => inner.saveRevocationLink!(link))),
    consumeRevocationLink: inner.consumeRevocationLink && ((id, hash, now) => guard(() => inner.consumeRevocationLink!(id, hash, now))),
    stats: inner.stats && ((now) => guard(() => inner.stats!(now))),
    subscribe: inner.subscribe && ((listener, onResync) => inner.subscribe!(listener, onResync)),
    saveFederatedLink: inner.saveFederatedLink && ((link) => guard(() => inner.saveFederatedLink!(link))),
    findFederatedLinks: inner.findFederatedLinks && ((query, now) => guard(() => inner.findFederatedLinks!(query, now))),
    rememberLogoutToken: inner.rememberLogoutToken && ((iss, jti, until) => guard(() => inner.rememberLogoutToken!(iss, jti, until))),
    forgetLogoutToken: inner.forgetLogoutToken && ((iss, jti) => guard(() => inner.forgetLogoutToken!(iss, jti))),
    eraseFederatedLinks: inner.eraseFederatedLinks && ((userId) => guard(() => inner.eraseFederatedLinks!(userId))),
    pruneFederated: inner.pruneFederated && ((now, limit) => guard(() => inner.pruneFederated!(now, limit))),
  } satisfies Partial<SessionStore>;
  for (const [name, method] of Object.entries(optional)) if (method !== undefined) Object.assign(wrapper, { [name]: method });
  return wrapper;
}
