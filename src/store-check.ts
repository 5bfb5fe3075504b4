import { invalidConfiguration } from './option-checks.js';

const STORE_METHODS = ['get', 'readUser', 'readTenant', 'readKey', 'apply', 'touch', 'prune', 'close'] as const;

/**
 * Refuses a store missing a required method now: it would fail on first use, perhaps in a revocation.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` naming the missing methods.
 */
export function checkStore(store: unknown): void {
  const candidate = store as Partial<Record<string, unknown>> | null;
  const missing = typeof candidate === 'object' && candidate !== null ? STORE_METHODS.filter((name) => typeof candidate[name] !== 'function') : STORE_METHODS;
  if (missing.length > 0) throw invalidConfiguration(`store must implement the SessionStore interface; missing: ${missing.join(', ')}.`);
}
