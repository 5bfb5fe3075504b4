import type { SessionManager } from '../manager/api.js';

// Several sessionRoutes() calls may share a prefix, and any of them answers sign-out-everywhere: requireFresh holds for all.
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
