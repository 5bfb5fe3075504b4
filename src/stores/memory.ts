import { SessionError } from '../errors.js';
import { getOrAdd } from '../get-or-add.js';
import { optionsObject } from '../option-checks.js';
import type { ActivityRecord, Batch, KeyState, KindStats, RevocationNotice, SessionLookup, SessionStore, TenantState, UserState, Write } from '../store.js';
import { copyOf, recordOf, type Row } from './memory-records.js';

/** Options of {@link memoryStore}: none yet. */
export type MemoryStoreOptions = Record<string, never>;

// Kinds, ids and keys are data, so every table is a `Map`.
type Times = Map<string, number>;
// A user's tables of times are made on their first write: most users never fill most of them.
type User = { version: number; readonly sessions: Map<string, Row>; epochs?: Times; highWater?: Times; denied?: Times; devices?: Times };
type Tenant = { version: number; readonly epochs: Times; readonly highWater: Times };
type Key = { readonly version: number; readonly value: string; readonly expiresAt: number; readonly userId?: string | undefined };

/**
 * The embedded default store: sessions in this process's memory, lost on restart; for tests,
 * demos and single-instance apps. Each method awaits nothing, so each is atomic.
 *
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option.
 *
 * @example
 * ```ts
 * import { createSessionManager, memoryStore } from 'session-revocation';
 * const sessions = createSessionManager({ store: memoryStore() });
 * ```
 */
export function memoryStore(input: MemoryStoreOptions = {}): SessionStore {
  optionsObject('memoryStore() options', input, []);
  const sessions = new Map<string, Row>();
  const users = new Map<string, User>();
  const tenants = new Map<string, Tenant>();
  const keys = new Map<string, Key>();
  const activity = new Map<string, ActivityRecord[]>();
  const listeners = new Set<(notice: RevocationNotice) => void>();
  let closed = false;
  const open = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The memory store was closed.');
  };
  const user = (userId: string): User => getOrAdd(users, userId, () => ({ version: 0, sessions: new Map() }));
  const times = (userId: string, table: 'epochs' | 'highWater' | 'denied' | 'devices'): Times => (user(userId)[table] ??= new Map());
  const tenant = (tenantId: string): Tenant => getOrAdd(tenants, tenantId, () => ({ version: 0, epochs: new Map(), highWater: new Map() }));
  const versionOf = (owner: Batch['owner']): number =>
    'userId' in owner ? (users.get(owner.userId)?.version ?? 0) : 'tenantId' in owner ? (tenants.get(owner.tenantId)?.version ?? 0) : (keys.get(owner.key)?.version ?? 0);
  const logOf = (entry: ActivityRecord): string | undefined => (entry.userId !== undefined ? `u${entry.userId}` : entry.tenantId === undefined ? undefined : `t${entry.tenantId}`);

  const write = (owner: Batch['owner'], step: Write): void => {
    const userId = 'userId' in owner ? owner.userId : undefined;
    switch (step.type) {
      case 'insert':
        sessions.set(step.session.id, copyOf(step.session, 'kept'));
        user(step.session.userId).sessions.set(step.session.id, sessions.get(step.session.id)!);
        return;
      case 'revoke':
        // A row of another user, or none, is left alone.
        return void Object.assign(users.get(userId!)?.sessions.get(step.sessionId) ?? {}, { revokedAt: step.at, revokedReason: step.reason });
      case 'epochs':
        for (const [kind, epoch] of Object.entries(step.epochs)) ('tenantId' in owner ? tenant(owner.tenantId).epochs : times(userId!, 'epochs')).set(kind, epoch);
        return;
      case 'highWater': {
        const marks = step.tenantId === undefined ? times(userId!, 'highWater') : tenant(step.tenantId).highWater;
        return void marks.set(step.kind, Math.max(marks.get(step.kind) ?? 0, step.at));
      }
      case 'deny':
        return void times(userId!, 'denied').set(step.sessionId, step.until);
      case 'device':
        return void times(userId!, 'devices').set(step.deviceHash, step.lastSeenAt);
      case 'activity': {
        const log = logOf(step.entry);
        return void (log === undefined ? undefined : getOrAdd(activity, log, () => []).push({ ...step.entry }));
      }
      case 'putKey':
        return void keys.set(step.key, { version: (keys.get(step.key)?.version ?? 0) + 1, value: step.value, expiresAt: step.expiresAt, userId: step.userId });
      case 'deleteKey':
        return void keys.delete(step.key);
      case 'erase': {
        const erased = user(userId!);
        for (const id of erased.sessions.keys()) sessions.delete(id);
        erased.sessions.clear();
        erased.denied = erased.devices = undefined;
        activity.delete(`u${userId!}`);
        for (const [key, { userId: keyUser }] of keys) if (keyUser === userId) keys.delete(key);
      }
    }
  };

  return {
    async get(sessionId): Promise<SessionLookup | null> {
      open();
      const row = sessions.get(sessionId);
      if (row === undefined) return null;
      const tenantEpochs = row.tenantId === undefined ? undefined : tenants.get(row.tenantId)?.epochs;
      return { session: copyOf(row, 'answer'), epochs: recordOf(users.get(row.userId)!.epochs), tenantEpochs: tenantEpochs && recordOf(tenantEpochs) };
    },

    async readUser(userId, tenantId, sessionId): Promise<UserState> {
      open();
      const found = users.get(userId);
      // Stryker disable next-line ConditionalExpression: a Map has no null key, so get(null) finds no row either.
      const rows = sessionId === undefined ? [...(found?.sessions.values() ?? [])] : [sessionId === null ? undefined : found?.sessions.get(sessionId)].filter((row) => row !== undefined);
      const tenantEpochs = recordOf<Record<string, number>>(undefined);
      for (const id of new Set([tenantId, ...rows.map((row) => row.tenantId)])) {
        const epochs = id === undefined ? undefined : tenants.get(id)?.epochs;
        if (epochs !== undefined) tenantEpochs[id!] = recordOf(epochs);
      }
      return { version: found?.version ?? 0, sessions: rows.map((row) => copyOf(row, 'answer')), epochs: recordOf(found?.epochs), highWater: recordOf(found?.highWater), tenantEpochs, denied: recordOf(found?.denied), devices: recordOf(found?.devices) };
    },

    async readTenant(tenantId): Promise<TenantState> {
      open();
      const found = tenants.get(tenantId);
      return { version: found?.version ?? 0, epochs: recordOf(found?.epochs), highWater: recordOf(found?.highWater) };
    },

    async readKey(key): Promise<KeyState> {
      open();
      const found = keys.get(key);
      return found === undefined ? { version: 0 } : { version: found.version, value: found.value, expiresAt: found.expiresAt };
    },

    async apply(batch): Promise<boolean> {
      open();
      const version = versionOf(batch.owner);
      if (batch.version !== undefined && batch.version !== version) return false;
      // Copied whole first: a write that cannot be read fails the batch before any of it lands.
      for (const step of structuredClone(batch.writes)) write(batch.owner, step);
      const { owner } = batch;
      if ('userId' in owner) user(owner.userId).version = version + 1;
      if ('tenantId' in owner) tenant(owner.tenantId).version = version + 1;
      const notice = 'userId' in owner ? { userId: owner.userId } : 'tenantId' in owner ? { userId: '', tenantId: owner.tenantId } : undefined;
      if (batch.notify === true && notice !== undefined) for (const listener of listeners) listener(notice);
      return true;
    },

    async touch(sessionId, times): Promise<boolean> {
      open();
      const row = sessions.get(sessionId);
      if (row === undefined || row.revokedAt !== undefined) return false;
      row.lastUsedAt = Math.max(row.lastUsedAt, times.lastUsedAt ?? 0);
      row.authenticatedAt = Math.max(row.authenticatedAt, times.authenticatedAt ?? 0);
      return true;
    },

    async prune({ now, limit, activityBefore, devicesBefore }): Promise<number> {
      open();
      let deleted = 0;
      for (const row of sessions.values()) {
        if (deleted === limit) break;
        if (row.expiresAt > now) continue;
        sessions.delete(row.id);
        users.get(row.userId)!.sessions.delete(row.id);
        deleted++;
      }
      // Stryker disable next-line ConditionalExpression: the other tables once the rows are done, so a prune of many batches sweeps them once (speed only).
      if (deleted === limit) return deleted;
      for (const found of users.values()) {
        deleteWhere(found.denied, (until) => until <= now);
        if (devicesBefore !== undefined) deleteWhere(found.devices, (seen) => seen <= devicesBefore);
      }
      deleteWhere(keys, (key) => key.expiresAt <= now);
      if (activityBefore !== undefined) for (const [log, entries] of activity) activity.set(log, entries.filter((entry) => entry.at > activityBefore));
      return deleted;
    },

    async listActivity(userId, { tenantId, limit, before }): Promise<readonly ActivityRecord[]> {
      open();
      const entries = [...(activity.get(`u${userId}`) ?? []), ...(tenantId === undefined ? [] : (activity.get(`t${tenantId}`) ?? []))];
      // Stryker disable next-line EqualityOperator: entry ids are unique, so `<=` orders the same.
      const page = entries.filter((entry) => before === undefined || entry.id < before).sort((a, b) => (a.id < b.id ? 1 : -1));
      return page.slice(0, limit).map((entry) => ({ ...entry }));
    },

    subscribe(listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async stats(now): Promise<Readonly<Record<string, KindStats>>> {
      open();
      const counts = recordOf<{ live: number; revoked: number; expired: number }>(undefined);
      for (const row of sessions.values()) (counts[row.kind] ??= { live: 0, revoked: 0, expired: 0 })[row.expiresAt <= now ? 'expired' : row.revokedAt !== undefined ? 'revoked' : 'live']++;
      return counts;
    },

    async close(): Promise<void> {
      closed = true;
      listeners.clear();
    },
  };
}

function deleteWhere<Key, Value>(map: Map<Key, Value> | undefined, expired: (value: Value) => boolean): void {
  if (map !== undefined) for (const [key, value] of map) if (expired(value)) map.delete(key);
}
