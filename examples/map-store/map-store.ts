// A complete session store in one file: the one `docs/storage-adapter.md` walks through.
// It keeps rows in Maps and applies batches if the version holds; it decides nothing.
import { SessionError } from 'session-revocation';
import type { ActivityRecord, Batch, Epochs, KeyState, SessionRecord, SessionStore, TenantState, UserState, Write } from 'session-revocation/store';

type Times = Map<string, number>;
type User = { version: number; sessions: Set<string>; epochs: Times; highWater: Times; denied: Times; devices: Times };
type Tenant = { version: number; epochs: Times; highWater: Times };
type Key = { version: number; value: string; expiresAt: number; userId?: string | undefined };

// Copies in and out: a caller never holds the store's own objects.
const copy = <T>(value: T): T => structuredClone(value);
// Ids, kinds and keys are data: `__proto__` is a key like any other, so no plain `{}`.
const record = (map: Times | undefined): Epochs => Object.assign(Object.create(null), Object.fromEntries(map ?? []));

export function mapStore(): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  const users = new Map<string, User>();
  const tenants = new Map<string, Tenant>();
  const keys = new Map<string, Key>();
  let activity: ActivityRecord[] = [];
  let closed = false;

  const open = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The store was closed.');
  };
  const user = (id: string): User => {
    if (!users.has(id)) users.set(id, { version: 0, sessions: new Set(), epochs: new Map(), highWater: new Map(), denied: new Map(), devices: new Map() });
    return users.get(id)!;
  };
  const tenant = (id: string): Tenant => {
    if (!tenants.has(id)) tenants.set(id, { version: 0, epochs: new Map(), highWater: new Map() });
    return tenants.get(id)!;
  };
  const versionOf = (owner: Batch['owner']): number =>
    'userId' in owner ? (users.get(owner.userId)?.version ?? 0) : 'tenantId' in owner ? (tenants.get(owner.tenantId)?.version ?? 0) : (keys.get(owner.key)?.version ?? 0);

  // Each write exactly as it says.
  const write = (owner: Batch['owner'], step: Write): void => {
    const userId = 'userId' in owner ? owner.userId : '';
    if (step.type === 'insert') {
      sessions.set(step.session.id, copy(step.session));
      user(step.session.userId).sessions.add(step.session.id);
    } else if (step.type === 'revoke') {
      const row = sessions.get(step.sessionId);
      if (row?.userId === userId) sessions.set(row.id, { ...row, revokedAt: step.at, revokedReason: step.reason });
    } else if (step.type === 'epochs') {
      const epochs = 'tenantId' in owner ? tenant(owner.tenantId).epochs : user(userId).epochs;
      for (const [kind, epoch] of Object.entries(step.epochs)) epochs.set(kind, epoch);
    } else if (step.type === 'highWater') {
      const marks = step.tenantId === undefined ? user(userId).highWater : tenant(step.tenantId).highWater;
      marks.set(step.kind, Math.max(marks.get(step.kind) ?? 0, step.at));
    } else if (step.type === 'deny' || step.type === 'device') {
      if (step.type === 'deny') user(userId).denied.set(step.sessionId, step.until);
      else user(userId).devices.set(step.deviceHash, step.lastSeenAt);
    } else if (step.type === 'activity') {
      activity.push(copy(step.entry));
    } else if (step.type === 'putKey') {
      keys.set(step.key, { version: (keys.get(step.key)?.version ?? 0) + 1, value: step.value, expiresAt: step.expiresAt, userId: step.userId });
    } else if (step.type === 'deleteKey') {
      keys.delete(step.key);
    } else {
      const erased = user(userId);
      for (const id of erased.sessions) sessions.delete(id);
      erased.sessions.clear();
      erased.denied.clear();
      erased.devices.clear();
      activity = activity.filter((entry) => entry.userId !== userId);
      for (const [key, found] of keys) if (found.userId === userId) keys.delete(key);
    }
  };

  return {
    async get(sessionId) {
      open();
      const row = sessions.get(sessionId);
      if (row === undefined) return null;
      const tenantEpochs = row.tenantId === undefined ? undefined : record(tenants.get(row.tenantId)?.epochs);
      return { session: copy(row), epochs: record(users.get(row.userId)?.epochs), tenantEpochs };
    },

    async readUser(userId, tenantId, sessionId): Promise<UserState> {
      open();
      const found = users.get(userId);
      const ids = sessionId === undefined ? [...(found?.sessions ?? [])] : [sessionId ?? ''].filter((id) => found?.sessions.has(id));
      const rows = ids.map((id) => copy(sessions.get(id)!));
      const tenantEpochs = Object.create(null) as Record<string, Epochs>;
      for (const id of [tenantId, ...rows.map((row) => row.tenantId)]) if (id !== undefined && tenants.has(id)) tenantEpochs[id] = record(tenants.get(id)!.epochs);
      return { version: found?.version ?? 0, sessions: rows, epochs: record(found?.epochs), highWater: record(found?.highWater), tenantEpochs, denied: record(found?.denied), devices: record(found?.devices) };
    },

    async readTenant(tenantId): Promise<TenantState> {
      open();
      const found = tenants.get(tenantId);
      return { version: found?.version ?? 0, epochs: record(found?.epochs), highWater: record(found?.highWater) };
    },

    async readKey(key): Promise<KeyState> {
      open();
      const found = keys.get(key);
      return found === undefined ? { version: 0 } : { version: found.version, value: found.value, expiresAt: found.expiresAt };
    },

    // Nothing is awaited between the check and the writes: one step, as a transaction would be. Copied first: a write that cannot be read fails before any lands.
    async apply(batch) {
      open();
      const version = versionOf(batch.owner);
      if (batch.version !== undefined && batch.version !== version) return false;
      for (const step of structuredClone(batch.writes)) write(batch.owner, step);
      if ('userId' in batch.owner) user(batch.owner.userId).version = version + 1;
      if ('tenantId' in batch.owner) tenant(batch.owner.tenantId).version = version + 1;
      return true;
    },

    async touch(sessionId, times) {
      open();
      const row = sessions.get(sessionId);
      if (row === undefined || row.revokedAt !== undefined) return false;
      const lastUsedAt = Math.max(row.lastUsedAt, times.lastUsedAt ?? 0);
      sessions.set(sessionId, { ...row, lastUsedAt, authenticatedAt: Math.max(row.authenticatedAt, times.authenticatedAt ?? 0) });
      return true;
    },

    async prune({ now, limit, activityBefore, devicesBefore }) {
      open();
      const expired = [...sessions.values()].filter((row) => row.expiresAt <= now).slice(0, limit);
      for (const row of expired) {
        sessions.delete(row.id);
        users.get(row.userId)!.sessions.delete(row.id);
      }
      for (const found of users.values()) {
        for (const [id, until] of found.denied) if (until <= now) found.denied.delete(id);
        for (const [hash, seen] of found.devices) if (devicesBefore !== undefined && seen <= devicesBefore) found.devices.delete(hash);
      }
      for (const [key, found] of keys) if (found.expiresAt <= now) keys.delete(key);
      if (activityBefore !== undefined) activity = activity.filter((entry) => entry.at > activityBefore);
      return expired.length;
    },

    async listActivity(userId, { tenantId, limit, before }) {
      open();
      const own = (entry: ActivityRecord) => entry.userId === userId || (entry.userId === undefined && tenantId !== undefined && entry.tenantId === tenantId);
      const page = activity.filter((entry) => own(entry) && (before === undefined || entry.id < before));
      return page.sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit).map(copy);
    },

    close: async () => void (closed = true),
  };
}
