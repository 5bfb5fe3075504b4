import { isSessionError, type ActivityEntry as StoredEntry, type SessionManager } from '../../src/index.js';

/** One entry of an Activity list, as the views read it. */
export interface ActivityEntry {
  readonly id: string;
  readonly at: number;
  readonly type: string;
  readonly reason: string;
  /** Whose activity it is; `null` for a tenant's own entry (everyone signed out). */
  readonly userId: string | null;
  readonly tenantId: string | null;
  /** Who acted, when it was not the user: an admin, or a teammate with support access. */
  readonly by: string | null;
  /** The device, e.g. "Chrome on Mac OS", when the entry names one. */
  readonly device: string | null;
  readonly ip: string | null;
}

/**
 * The Activity lists read the session manager's account activity: the store writes each entry
 * in the same step as the change it records, so the list survives a restart and never misses
 * a sign-out, whichever instance made it.
 */
export interface Activity {
  /** The user's entries and, with `tenantId`, the tenant's own (everyone signed out), newest first. */
  forUser(userId: string, options: { tenantId?: string | undefined; limit: number }): Promise<ActivityEntry[]>;
  /** Everyone's entries in a team, newest first: each member's, and the tenant's own once. */
  forTeam(tenantId: string, userIds: readonly string[], limit: number): Promise<ActivityEntry[]>;
}

const toEntry = (userId: string, entry: StoredEntry): ActivityEntry => ({
  id: entry.id,
  at: entry.at,
  type: entry.type,
  reason: entry.reason,
  // A tenant's own entry is merged into every member's page; it belongs to none of them.
  userId: entry.type === 'tenant.sessions_invalidated' ? null : userId,
  tenantId: entry.tenantId ?? null,
  by: entry.by ?? null,
  device: entry.deviceLabel ?? null,
  ip: entry.ip ?? null,
});

export function createActivity(sessions: SessionManager): Activity {
  const forUser: Activity['forUser'] = async (userId, { tenantId, limit }) => {
    try {
      return (await sessions.activity(userId, { limit, tenantId })).map((entry) => toEntry(userId, entry));
    } catch (error) {
      // A store that keeps no activity (an older adapter): the lists stay empty, the pages work.
      // Any other failure (the store is down) is the error page's, as for every other read.
      if (isSessionError(error) && error.code === 'INVALID_CONFIGURATION') return [];
      throw error;
    }
  };
  return {
    forUser,
    async forTeam(tenantId, userIds, limit) {
      // Only this tenant's entries: a member's sessions elsewhere are not the team's business.
      const pages = await Promise.all(userIds.map((userId) => forUser(userId, { tenantId, limit })));
      const merged = new Map<string, ActivityEntry>();
      for (const entry of pages.flat()) if (entry.tenantId === tenantId) merged.set(entry.id, entry);
      // Ids sort like time (the manager makes them so): newest first, across members.
      return [...merged.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
    },
  };
}
