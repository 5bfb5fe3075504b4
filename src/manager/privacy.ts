import { refusal, toSession, type Session } from '../session.js';
import { checkCount, checkRevocationState, checkUserSessions, epochOf } from '../store-answers.js';
import type { ActorOptions, ExportedSession, UserErasure, UserExport } from './api.js';
import type { ManagerContext } from './context.js';
import { checkId } from './input.js';
import type { Lifecycle } from './lifecycle.js';

// A user's data: exported for a data-access request, erased for a deletion request.

/**
 * Everything the store holds about one user, for a data-access request: every session row
 * (tombstones and expired rows too) without its secret hash, the user's epochs and deny-list.
 * Two reads; nothing is written.
 */
export async function exportUser(context: ManagerContext, userId: string): Promise<UserExport> {
  context.ensureOpen();
  checkId('userId', userId);
  const { store, calls, config } = context;
  const { sessions, epochs } = checkUserSessions(await calls.call('listByUser', () => store.listByUser(userId)), userId);
  const { denied } = checkRevocationState(await calls.call('getRevocationState', () => store.getRevocationState(userId)));
  const now = config.clock();
  const idleTimeoutOf = (kind: string): number => config.kinds.get(kind)?.idleTimeout ?? 0;
  return {
    userId,
    exportedAt: now,
    sessions: sessions
      .map((record): ExportedSession => ({
        ...withoutUndefined(toSession(record)),
        status: refusal(record, epochOf(epochs, record.kind, 'listByUser'), now, idleTimeoutOf(record.kind)) ?? 'live',
      }))
      .sort((a, b) => a.createdAt - b.createdAt),
    // Copied into plain objects: a store may answer prototype-free ones.
    epochs: { ...epochs },
    denied: { ...denied },
  };
}

// Fields the session does not have are left out of the export rather than listed as undefined.
function withoutUndefined(session: Session): Session {
  return Object.fromEntries(Object.entries(session).filter(([, value]) => value !== undefined)) as unknown as Session;
}

/**
 * Erases a user's data: every epoch is raised first (every old session token and access
 * token of every kind is refused, as the deny-list that refused some of them goes), then the
 * store deletes the user's sessions, tombstones and deny-list. The epochs stay.
 */
export async function eraseUser(context: ManagerContext, lifecycle: Lifecycle, userId: string, options: ActorOptions = {}): Promise<UserErasure> {
  context.ensureOpen();
  checkId('userId', userId);
  await lifecycle.revokeAll(userId, { kinds: 'all', reason: 'user_erased', by: options.by, tenantId: options.tenantId });
  const { store, calls } = context;
  const deletedSessions = checkCount(await calls.call('eraseUser', () => store.eraseUser(userId)), 'eraseUser');
  return { deletedSessions };
}
