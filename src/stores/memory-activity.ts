import { timingSafeEqual } from 'node:crypto';
import type { ActivityRecord, ActivityStore, PruneOptions, RevocationLinkRecord, RevocationLinkStore } from '../store.js';

/** The memory store's activity log, known devices and "This wasn't me" links. */
export interface MemoryActivity {
  /** The capabilities' methods, each refusing once the store is closed. */
  readonly methods: ActivityStore & RevocationLinkStore;
  /** Stores copies of the entries, each in its owner's log (a user's, or a tenant's own). */
  append(entries: readonly ActivityRecord[]): void;
  /** Forgets the user's entries, devices and links. */
  erase(userId: string): void;
  /** Deletes, within one budget of `limit`, entries, then devices, then links that ran out. */
  prune(options: PruneOptions): void;
}

/**
 * @param ensureOpen - Throws `CLOSED` once the store is closed.
 * @returns An empty {@link MemoryActivity}.
 */
export function memoryActivity(ensureOpen: () => void): MemoryActivity {
  const byUser = new Map<string, ActivityRecord[]>();
  const byTenant = new Map<string, ActivityRecord[]>();
  const devices = new Map<string, Map<string, number>>();
  const links = new Map<string, RevocationLinkRecord>();

  const append = (entries: readonly ActivityRecord[]): void => {
    for (const entry of entries) {
      const [logs, owner] = entry.userId === undefined ? [byTenant, entry.tenantId] : [byUser, entry.userId];
      if (owner === undefined) continue;
      const log = logs.get(owner) ?? [];
      logs.set(owner, log);
      log.push({ ...entry });
      if (log.length > 1 && log.at(-2)!.id > entry.id) log.sort(byId);
    }
  };

  const methods: ActivityStore & RevocationLinkStore = {
    async appendActivity(entries) {
      ensureOpen();
      append(entries);
    },

    async listActivity(userId, { tenantId, limit, before }) {
      ensureOpen();
      const entries = [...(byUser.get(userId) ?? []), ...((tenantId === undefined ? undefined : byTenant.get(tenantId)) ?? [])];
      return entries
        .filter((entry) => before === undefined || entry.id < before)
        .sort((a, b) => byId(b, a))
        .slice(0, limit)
        .map((entry) => ({ ...entry }));
    },

    async rememberDevice(userId, deviceHash, at) {
      ensureOpen();
      const seen = devices.get(userId) ?? new Map<string, number>();
      devices.set(userId, seen);
      const previous = seen.get(deviceHash);
      seen.set(deviceHash, Math.max(previous ?? at, at));
      return previous ?? null;
    },

    async listDevices(userId) {
      ensureOpen();
      return [...(devices.get(userId) ?? [])].map(([deviceHash, lastSeenAt]) => ({ deviceHash, lastSeenAt }));
    },

    async saveRevocationLink(link) {
      ensureOpen();
      links.set(link.id, { ...link, secretHash: Uint8Array.from(link.secretHash) });
    },

    async consumeRevocationLink(id, secretHash, now) {
      ensureOpen();
      const link = links.get(id);
      if (link === undefined || link.expiresAt <= now) return null;
      if (link.secretHash.length !== secretHash.length || !timingSafeEqual(link.secretHash, secretHash)) return null;
      links.delete(id);
      return link;
    },
  };

  return {
    methods,
    append,
    erase(userId) {
      byUser.delete(userId);
      devices.delete(userId);
      for (const [id, link] of links) if (link.userId === userId) links.delete(id);
    },

    prune({ now, limit, activityBefore, devicesBefore }) {
      let left = limit;
      if (activityBefore !== undefined) {
        for (const logs of [byUser, byTenant]) {
          for (const [owner, log] of logs) {
            // Ids follow time, so a log's old entries are at its front.
            let cut = 0;
            while (cut < log.length && cut < left && log[cut]!.at <= activityBefore) cut++;
            left -= cut;
            log.splice(0, cut);
            if (log.length === 0) logs.delete(owner);
          }
        }
      }
      if (devicesBefore !== undefined) {
        for (const [userId, seen] of devices) {
          for (const [deviceHash, lastSeenAt] of seen) {
            if (left > 0 && lastSeenAt <= devicesBefore) {
              seen.delete(deviceHash);
              left--;
            }
          }
          if (seen.size === 0) devices.delete(userId);
        }
      }
      for (const [id, link] of links) {
        if (left > 0 && link.expiresAt <= now) {
          links.delete(id);
          left--;
        }
      }
    },
  };
}

function byId(a: ActivityRecord, b: ActivityRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One `session.revoked` entry per session a create replaced, then evicted (see `CreateOptions.activity`). */
export function endedEntries(entry: ActivityRecord, replacedIds: readonly string[], evictedIds: readonly string[]): ActivityRecord[] {
  const ended = [...replacedIds.map((id) => ({ id, reason: 'replaced' })), ...evictedIds.map((id) => ({ id, reason: 'session_limit' }))];
  return ended.map(({ id, reason }, index) => ({
    id: `${entry.id}.${index}`,
    userId: entry.userId,
    tenantId: entry.tenantId,
    type: 'session.revoked',
    at: entry.at,
    reason,
    sessionId: id,
  }));
}
