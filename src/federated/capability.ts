import type { SessionStore } from '../store.js';
import type { FederatedStore } from '../store-capabilities/federated.js';

const METHODS = ['saveFederatedLink', 'findFederatedLinks', 'rememberLogoutToken', 'forgetLogoutToken', 'eraseFederatedLinks', 'pruneFederated'] as const;

/**
 * Whether the store has the federated sign-out capability: every method of
 * {@link FederatedStore}. A store with only some of them has none (the manager never calls half
 * a capability).
 */
export function keepsFederated(store: SessionStore): store is SessionStore & FederatedStore {
  return METHODS.every((method) => typeof store[method] === 'function');
}

/** How many of the capability's methods the store has, for the conformance suite's all-or-none check. */
export function federatedMethodCount(store: SessionStore): { present: number; total: number } {
  return { present: METHODS.filter((method) => typeof store[method] === 'function').length, total: METHODS.length };
}
