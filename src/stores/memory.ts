import { SessionError } from '../errors.js';
import { duration, optionsObject } from '../option-checks.js';
import type {
  ActivityRecord,
  CreateOptions,
  CreateResult,
  Epochs,
  KindStats,
  NewSessionRecord,
  PruneOptions,
  RevocationNotice,
  RevocationState,
  RevokeAllOptions,
  RevokeOptions,
  RevokeOthersOptions,
  RevokeTenantOptions,
  SessionLookup,
  SessionRecord,
  SessionStore,
  UserSessions,
} from '../store.js';
import { endedEntries, memoryActivity } from './memory-activity.js';
import { memoryFederated } from './memory-federated.js';
import { copyOf, recordOf, rowOf, type Row } from './memory-records.js';
import { countByKind } from './memory-stats.js';
import { raisedEpochs } from '../rules/epochs.js';
import { othersToRevoke } from '../rules/revoke-others.js';
import { decideSignIn } from '../rules/sign-in.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * No effect: `prune` scans the sessions. Checked as a whole number of ms >= 1.
   * @deprecated Leave it out.
   * @default 60_000
   */
  readonly expiryBucketMs?: number;
}

// Kinds are data, so every table is a `Map`.
interface UserState {
  readonly sessionIds: Set<string>;
  /** The newest `createdAt` per kind (the high-water mark `revokeAll` raises epochs to). */
  readonly highWater: Map<string, number>;
  epochs?: Map<string, number>;
  /** Session id to "deny access tokens until" (ms). */
  denied?: Map<string, number>;
}

interface TenantState {
  readonly epochs: Map<string, number>;
  readonly highWater: Map<string, number>;
}

/**
 * The embedded default store: sessions in this process's memory, lost on restart. For one
 * process (tests, demos, single-instance apps). Each method awaits nothing, so each is atomic.
 *
 * @param input - Options, rarely needed.
 * @returns A {@link SessionStore} with every optional capability.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option or an
 * `expiryBucketMs` that is not a whole number of ms >= 1.
 *
 * @example
 * ```ts
 * import { createSessionManager, memoryStore } from 'session-revocation';
 * const sessions = createSessionManager({ store: memoryStore() });
 * ```
 */
export function memoryStore(input: MemoryStoreOptions = {}): SessionStore {
  const options = optionsObject('memoryStore() options', input, ['expiryBucketMs']);
  duration('memoryStore: expiryBucketMs', options.expiryBucketMs, 60_000, { min: 1 });
  const rows = new Map<string, Row>();
  const users = new Map<string, UserState>();
  const tenants = new Map<string, TenantState>();
  const listeners = new Set<(notice: RevocationNotice) => void>();
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The memory store was closed.');
  };
  const activity = memoryActivity(ensureOpen);
  const userOf = (userId: string): UserState => {
    let user = users.get(userId);
    if (user === undefined) {
      user = { sessionIds: new Set(), highWater: new Map() };
      users.set(userId, user);
    }
    return user;
  };
  const tenantOf = (tenantId: string): TenantState => {
    let tenant = tenants.get(tenantId);
    if (tenant === undefined) {
      tenant = { epochs: new Map(), highWater: new Map() };
      tenants.set(tenantId, tenant);
    }
    return tenant;
  };
  const forgetIfEmpty = (userId: string, user: UserState): void => {
    if (user.sessionIds.size === 0 && !user.epochs?.size && !user.denied?.size) users.delete(userId);
  };
  const tenantEpochsOf = (tenantId: string | undefined): Epochs | undefined => {
    const epochs = tenantId === undefined ? undefined : tenants.get(tenantId)?.epochs;
    return epochs === undefined || epochs.size === 0 ? undefined : recordOf(epochs);
  };
  const tenantEpochsByTenant = (sessions: readonly Row[]): Map<string, Epochs> => {
    const byTenant = new Map<string, Epochs>();
    for (const { tenantId } of sessions) {
      const epochs = tenantEpochsOf(tenantId);
      if (epochs !== undefined) byTenant.set(tenantId!, epochs);
    }
    return byTenant;
  };
  const sessionsOf = (user: UserState): Row[] => [...user.sessionIds].map((id) => rows.get(id)!);
  const markRevoked = (row: Row, revocation: RevokeOptions): void => {
    row.revokedAt = revocation.at;
    row.revokedReason = revocation.reason;
    if (revocation.denyUntil !== undefined) (userOf(row.userId).denied ??= new Map()).set(row.id, revocation.denyUntil);
  };
  const raise = (epochs: Map<string, number>, highWater: Map<string, number>, raiseOptions: RevokeAllOptions): Epochs => {
    const raised = raisedEpochs({ epochs, highWater }, raiseOptions.kinds, raiseOptions.at);
    for (const kind of raiseOptions.kinds) epochs.set(kind, raised[kind]!);
    return raised;
  };
  const deleteRow = (row: Row): void => {
    rows.delete(row.id);
    const user = users.get(row.userId)!;
    user.sessionIds.delete(row.id);
    forgetIfEmpty(row.userId, user);
  };
  const notify = (notice: RevocationNotice): void => {
    for (const listener of listeners) listener(notice);
  };
  const log = (entry: ActivityRecord | undefined): void => {
    if (entry !== undefined) activity.append([entry]);
  };

  const store: SessionStore = {
    async create(record: NewSessionRecord, createOptions: CreateOptions): Promise<CreateResult> {
      ensureOpen();
      if (rows.has(record.id)) throw new SessionError('INVALID_INPUT', 'A session with this id already exists.');
      const user = userOf(record.userId);
      // Decided before anything is written, so a refused sign-in changes nothing.
      const { createdAt, replaced, evicted } = decideSignIn(
        record,
        { sessions: sessionsOf(user), epochs: recordOf(user.epochs), tenantEpochs: tenantEpochsOf(record.tenantId) },
        createOptions,
      );
      for (const other of replaced) markRevoked(other, { at: createdAt, reason: 'replaced', denyUntil: createOptions.denyUntil });
      for (const other of evicted) markRevoked(other, { at: createdAt, reason: 'session_limit', denyUntil: createOptions.denyUntil });

      const row = rowOf(record, createdAt);
      rows.set(row.id, row);
      user.sessionIds.add(row.id);
      keepMax(user.highWater, row.kind, createdAt);
      if (row.tenantId !== undefined) keepMax(tenantOf(row.tenantId).highWater, row.kind, createdAt);
      const replacedIds = replaced.map((other) => other.id);
      const evictedIds = evicted.map((other) => other.id);
      if (createOptions.activity !== undefined) activity.append([createOptions.activity, ...endedEntries(createOptions.activity, replacedIds, evictedIds)]);
      if (replaced.length > 0 || evicted.length > 0) notify({ userId: row.userId });
      return { session: copyOf(row), replacedIds, evictedIds };
    },

    async get(sessionId: string): Promise<SessionLookup | null> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined) return null;
      return { session: copyOf(row), epochs: recordOf(users.get(row.userId)!.epochs), tenantEpochs: tenantEpochsOf(row.tenantId) };
    },

    async touch(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revokedAt !== undefined) return false;
      row.lastUsedAt = Math.max(row.lastUsedAt, at);
      return true;
    },

    async reauthenticate(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revokedAt !== undefined) return false;
      row.authenticatedAt = Math.max(row.authenticatedAt, at);
      return true;
    },

    async revoke(sessionId: string, revokeOptions: RevokeOptions): Promise<SessionRecord | null> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revokedAt !== undefined) return null;
      const before = copyOf(row);
      markRevoked(row, revokeOptions);
      log(revokeOptions.activity);
      notify({ userId: row.userId });
      return before;
    },

    async revokeAll(userId: string, revokeOptions: RevokeAllOptions): Promise<Epochs> {
      ensureOpen();
      const user = userOf(userId);
      const epochs = raise((user.epochs ??= new Map()), user.highWater, revokeOptions);
      log(revokeOptions.activity);
      notify({ userId });
      return epochs;
    },

    async revokeTenant(tenantId: string, revokeOptions: RevokeTenantOptions): Promise<Epochs> {
      ensureOpen();
      const tenant = tenantOf(tenantId);
      const epochs = raise(tenant.epochs, tenant.highWater, revokeOptions);
      log(revokeOptions.activity);
      notify({ userId: '', tenantId });
      return epochs;
    },

    async revokeOthers(userId: string, revokeOptions: RevokeOthersOptions): Promise<readonly string[]> {
      ensureOpen();
      log(revokeOptions.activity);
      const user = users.get(userId);
      if (user === undefined) return [];
      const others = othersToRevoke(
        { sessions: sessionsOf(user), epochs: recordOf(user.epochs), tenantEpochs: tenantEpochsByTenant(sessionsOf(user)) },
        revokeOptions.keepSessionId,
        revokeOptions.kinds,
        revokeOptions.at,
      );
      for (const row of others) markRevoked(row, revokeOptions);
      if (others.length > 0) notify({ userId });
      return others.map((row) => row.id);
    },

    async listByUser(userId: string): Promise<UserSessions> {
      ensureOpen();
      const user = users.get(userId);
      if (user === undefined) return { sessions: [], epochs: recordOf(undefined) };
      const sessions = sessionsOf(user);
      const tenantEpochs = tenantEpochsByTenant(sessions);
      return { sessions: sessions.map(copyOf), epochs: recordOf(user.epochs), tenantEpochs: recordOf(tenantEpochs) };
    },

    async getRevocationState(userId: string, tenantId?: string): Promise<RevocationState> {
      ensureOpen();
      const user = users.get(userId);
      return { epochs: recordOf(user?.epochs), denied: recordOf(user?.denied), tenantEpochs: tenantEpochsOf(tenantId) };
    },

    async eraseUser(userId: string): Promise<number> {
      ensureOpen();
      activity.erase(userId);
      const user = users.get(userId);
      if (user === undefined) return 0;
      const erased = sessionsOf(user);
      user.denied = undefined;
      for (const row of erased) deleteRow(row);
      forgetIfEmpty(userId, user);
      return erased.length;
    },

    async prune(pruneOptions: PruneOptions): Promise<number> {
      ensureOpen();
      const { now, limit } = pruneOptions;
      let deleted = 0;
      for (const row of rows.values()) {
        if (deleted >= limit) break;
        if (row.expiresAt > now) continue;
        deleteRow(row);
        deleted++;
      }
      for (const [userId, user] of users) {
        for (const [sessionId, until] of user.denied ?? []) if (until <= now) user.denied!.delete(sessionId);
        forgetIfEmpty(userId, user);
      }
      activity.prune(pruneOptions);
      return deleted;
    },

    ...memoryFederated(ensureOpen),

    async stats(now: number): Promise<Readonly<Record<string, KindStats>>> {
      ensureOpen();
      return countByKind(rows.values(), now);
    },

    ...activity.methods,

    subscribe(listener: (notice: RevocationNotice) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close(): Promise<void> {
      closed = true;
      listeners.clear();
    },
  };
  return store;
}

function keepMax(map: Map<string, number>, key: string, value: number): number {
  const kept = Math.max(map.get(key) ?? 0, value);
  map.set(key, kept);
  return kept;
}
