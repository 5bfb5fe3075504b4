import { toSession } from '../session.js';
import { listActivity, withoutUndefined } from '../activity/activity.js';
import type { ActivityEntry } from '../activity/api.js';
import type { ActorOptions } from '../core/shapes.js';
import type { ExportedSession, UserErasure, UserExport } from './api.js';
import type { ManagerContext } from '../core/context.js';
import { checkId } from '../core/checks.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { judgeAll } from '../core/live-session.js';

/** Everything the store holds about one user, without secret hashes. Reads only. */
export async function exportUser(context: ManagerContext, userId: string): Promise<UserExport> {
  context.ensureOpen();
  checkId('userId', userId);
  const { store, calls, config } = context;
  const answer = await calls.call('listByUser', () => store.listByUser(userId));
  const { denied } = await calls.call('getRevocationState', () => store.getRevocationState(userId));
  const now = config.clock();
  return {
    userId,
    exportedAt: now,
    sessions: (await judgeAll(context, answer, now))
      .map(({ record, refusal }): ExportedSession => ({ ...withoutUndefined({ ...toSession(record), federated: record.federated && { ...record.federated } }), status: refusal ?? 'live' })),
    // Copied into plain objects: a store may answer prototype-free ones.
    epochs: { ...answer.epochs },
    // Kept through an erase, as the epochs are: the user is told of them too.
    lastSignIns: { ...answer.highWater },
    denied: { ...denied },
    activity: context.keepsActivity ? await allActivity(context, userId) : [],
    // Read through the storage layer, which checked them.
    devices: context.keepsActivity ? await calls.call('listDevices', () => store.listDevices!(userId)) : [],
  };
}

// Bounded by the retention, pruned by the store.
async function allActivity(context: ManagerContext, userId: string): Promise<ActivityEntry[]> {
  const entries: ActivityEntry[] = [];
  for (;;) {
    const page = await listActivity(context, userId, { limit: 1_000, before: entries.at(-1)?.id });
    entries.push(...page);
    if (page.length < 1_000) return entries;
  }
}

/** Epochs first, so every old token is refused before the deny-list goes; the epochs stay. */
export async function eraseUser(context: ManagerContext, lifecycle: Lifecycle, userId: string, options: ActorOptions = {}): Promise<UserErasure> {
  context.ensureOpen();
  checkId('userId', userId);
  await lifecycle.revokeAll(userId, { kinds: 'all', reason: 'user_erased', by: options.by, tenantId: options.tenantId });
  const { store, calls } = context;
  // Before `eraseUser`: its last step may make erased bytes unreadable (SQLite checkpoints its WAL).
  const deletedSessions = await calls.call('eraseUser', (due) => store.eraseUser(userId, context.config.clock(), due));
  // Its batch raised the epochs again: what this instance cached during the erase must not outlive it.
  context.afterRevocation(userId);
  return { deletedSessions };
}
