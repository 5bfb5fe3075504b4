import type { SessionManager } from '../manager/api.js';

// Guides mount the routes under one prefix with several sessionRoutes() calls; the first call answers sign-out-everywhere, so
// requireFresh given to any of them must hold for all of them.
const strictest = new WeakMap<SessionManager, Map<string, number>>();

/**
 * Records one sessionRoutes() call's `requireFresh` for its manager and prefix.
 * @returns Reads, at request time, the smallest `requireFresh` any call with this manager and prefix gave; `undefined` when none did.
 */
export function sharedRequireFresh(manager: SessionManager, prefix: string, requireFresh: number | undefined): () => number | undefined {
  let byPrefix = strictest.get(manager);
  if (byPrefix === undefined) strictest.set(manager, (byPrefix = new Map()));
  if (requireFresh !== undefined) byPrefix.set(prefix, Math.min(byPrefix.get(prefix) ?? requireFresh, requireFresh));
  const shared = byPrefix;
  return () => shared.get(prefix);
}
