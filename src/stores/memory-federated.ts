import { SessionError } from '../errors.js';
import type { FederatedLink, FederatedQuery, FederatedStore } from '../store-capabilities/federated.js';

// Keys join texts with JSON so two different pairs can never make the same key.

const pairKey = (a: string, b: string): string => JSON.stringify([a, b]);

/** The {@link FederatedStore} methods of a memory store. */
export function memoryFederated(ensureOpen: () => void): FederatedStore {
  const links = new Map<string, FederatedLink>();
  const bySid = new Map<string, Set<string>>();
  const bySub = new Map<string, Set<string>>();
  const byUser = new Map<string, Set<string>>();
  const tokens = new Map<string, number>();

  const indexesOf = (link: FederatedLink): [Map<string, Set<string>>, string][] => {
    const entries: [Map<string, Set<string>>, string][] = [
      [bySub, pairKey(link.iss, link.sub)],
      [byUser, link.userId],
    ];
    if (link.sid !== undefined) entries.push([bySid, pairKey(link.iss, link.sid)]);
    return entries;
  };
  const remove = (sessionId: string): void => {
    const link = links.get(sessionId);
    if (link === undefined) return;
    links.delete(sessionId);
    for (const [index, key] of indexesOf(link)) {
      const ids = index.get(key);
      ids?.delete(sessionId);
      if (ids?.size === 0) index.delete(key);
    }
  };

  return {
    async saveFederatedLink(link: FederatedLink): Promise<void> {
      ensureOpen();
      remove(link.sessionId);
      const copy = Object.freeze({ ...link });
      links.set(link.sessionId, copy);
      for (const [index, key] of indexesOf(copy)) {
        let ids = index.get(key);
        if (ids === undefined) index.set(key, (ids = new Set()));
        ids.add(link.sessionId);
      }
    },

    async findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]> {
      ensureOpen();
      const ids =
        query.by === 'sid' ? bySid.get(pairKey(query.iss, query.sid)) : query.by === 'sub' ? bySub.get(pairKey(query.iss, query.sub)) : byUser.get(query.userId);
      const found: FederatedLink[] = [];
      for (const id of ids ?? []) {
        const link = links.get(id)!;
        if (link.expiresAt > now) found.push(link);
      }
      return found;
    },

    async rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean> {
      ensureOpen();
      if (!Number.isFinite(until)) throw new SessionError('STORE_ERROR', 'rememberLogoutToken(): until must be a finite time.');
      const key = pairKey(iss, jti);
      // Held until pruned: refusing a token past its window again is never less safe.
      if (tokens.has(key)) return false;
      tokens.set(key, until);
      return true;
    },

    async forgetLogoutToken(iss: string, jti: string): Promise<void> {
      ensureOpen();
      tokens.delete(pairKey(iss, jti));
    },

    async eraseFederatedLinks(userId: string): Promise<void> {
      ensureOpen();
      for (const id of [...(byUser.get(userId) ?? [])]) remove(id);
    },

    async pruneFederated(now: number, limit: number): Promise<number> {
      ensureOpen();
      let deleted = 0;
      for (const [id, link] of links) {
        if (deleted >= limit) break;
        if (link.expiresAt <= now) {
          remove(id);
          deleted++;
        }
      }
      let forgotten = 0;
      for (const [key, until] of tokens) {
        if (forgotten >= limit) break;
        if (until <= now) {
          tokens.delete(key);
          forgotten++;
        }
      }
      return deleted;
    },
  };
}
