import { duration, optionsObject } from '../option-checks.js';
import type {
  ActivityRecord,
  CreateOptions,
  KindStats,
  KnownDevice,
  ListActivityOptions,
  RevocationLinkRecord,
  RevokeTenantOptions,
  CreateResult,
  Epochs,
  NewSessionRecord,
  PruneOptions,
  RevocationNotice,
  RevocationState,
  RevokeAllOptions,
  RevokeOptions,
  RevokeOthersOptions,
  SessionLookup,
  SessionRecord,
  SessionStore,
  UserSessions,
} from '../store.js';
import { SessionError } from '../errors.js';
import type { Session } from '../session.js';
import { DeviceTable } from './device-table.js';
import { ExpiryIndex } from './expiry-index.js';
import { addId, eachId, isEmpty, removeId, type IdSet } from './id-set.js';
import { Interner } from './interner.js';
import { MemoryActivity } from './memory-activity.js';
import { memoryFederated } from './memory-federated.js';
import { keyedByText, NO_EPOCHS, Row, type Rare, type TenantState, type UserState } from './memory-rows.js';
import { findMark, raiseMark } from './text-marks.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Bucket width of the expiry index in ms: pruning visits only buckets that ended.
   * @default 60_000
   */
  readonly expiryBucketMs?: number;
}

/**
 * The embedded default store: sessions in this process's memory, lost on restart. Fits one
 * process (tests, demos, single-instance apps); use the SQLite, Redis or PostgreSQL store to
 * survive restarts or share sessions between instances.
 *
 * Every operation is synchronous inside, so each is atomic. Pruning visits only the expiry
 * buckets that have ended, never the whole map.
 *
 * @param input - Tuning, rarely needed.
 * @returns A {@link SessionStore}.
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
  const rows = new Map<string, Row>();
  const users = new Map<string, UserState>();
  const expiry = new ExpiryIndex(duration('memoryStore: expiryBucketMs', options.expiryBucketMs, 60_000, { min: 1 }));
  const strings = new Interner();
  const devices = new DeviceTable(strings);
  const listeners = new Set<(notice: RevocationNotice) => void>();
  // Users holding deny-list entries, so pruning them never walks every user.
  const usersWithDenied = new Set<string>();
  const tenants = new Map<string, TenantState>();
  const activity = new MemoryActivity();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new SessionError('CLOSED', 'The memory store was closed.');
  };
  const userState = (userId: string): UserState => {
    let state = users.get(userId);
    if (state === undefined) {
      // Stryker disable next-line ObjectLiteral: absent and undefined fields read the same; listing them keeps one object shape
      state = { ids: undefined, epochs: undefined, highWater: undefined, denied: undefined };
      users.set(userId, state);
    }
    return state;
  };
  const notify = (userId: string, tenantId?: string): void => {
    for (const listener of listeners) listener(tenantId === undefined ? { userId } : { userId: '', tenantId });
  };
  // Stryker disable next-line ConditionalExpression: tenants has no undefined key, so the lookup answers undefined too (the variant that always answers undefined goes with it; the tenant tests kill it)
  const tenantEpochsOf = (tenantId: string | undefined): Record<string, number> | undefined => (tenantId === undefined ? undefined : tenants.get(tenantId)?.epochs);
  // Entries derived from a create's own, one per session it replaced or evicted (see CreateOptions.activity).
  const derivedEntries = (entry: ActivityRecord, replaced: readonly Row[], evicted: readonly Row[]): ActivityRecord[] => {
    const derived: ActivityRecord[] = [];
    for (const [rowsOf, reason] of [
      [replaced, 'replaced'],
      [evicted, 'session_limit'],
    ] as const) {
      for (const row of rowsOf) {
        derived.push({ id: `${entry.id}.${derived.length}`, userId: entry.userId, tenantId: entry.tenantId, type: 'session.revoked', at: entry.at, reason, sessionId: row.id });
      }
    }
    return derived;
  };
  const markRevoked = (row: Row, options: RevokeOptions): void => {
    row.revoked = { at: options.at, reason: options.reason };
    if (options.denyUntil !== undefined) {
      const state = userState(row.userId);
      (state.denied ??= new Map()).set(row.id, options.denyUntil);
      usersWithDenied.add(row.userId);
    }
  };
  const deleteRow = (row: Row): void => {
    rows.delete(row.id);
    // A row's user state lives as long as the row.
    const state = users.get(row.userId)!;
    state.ids = removeId(state.ids, row.id);
    // Dropping a user state with nothing left in it only frees memory (never marked equivalent:
    // the same line's mutant that always drops it is a real one).
    if (isEmpty(state.ids) && state.epochs === undefined && state.denied === undefined) users.delete(row.userId);
  };

  const store: SessionStore = {
    async create(record: NewSessionRecord, createOptions: CreateOptions): Promise<CreateResult> {
      ensureOpen();
      if (rows.has(record.id)) throw new SessionError('INVALID_INPUT', 'A session with this id already exists.');
      const state = userState(record.userId);
      const epoch = state.epochs?.[record.kind] ?? 0;
      const tenantEpoch = tenantEpochsOf(record.tenantId)?.[record.kind] ?? 0;
      const createdAt = Math.max(record.createdAt, epoch + 1, tenantEpoch + 1);
      const isLive = (other: Row): boolean =>
        other.kind === record.kind &&
        other.revoked === undefined &&
        other.createdAt > epoch &&
        other.createdAt > (tenantEpochsOf(other.tenantId)?.[other.kind] ?? 0) &&
        other.expiresAt > createdAt;
      const replaced: Row[] = [];
      if (createOptions.replaceDevice && record.deviceKey !== undefined) {
        for (const id of eachId(state.ids)) {
          const other = rows.get(id)!;
          if (other.device.deviceKey === record.deviceKey && isLive(other)) replaced.push(other);
        }
      }
      // Decided before anything is written, so a refused sign-in changes nothing.
      const evicted: Row[] = [];
      const { limit } = createOptions;
      if (limit !== undefined) {
        const counted: Row[] = [];
        for (const id of eachId(state.ids)) {
          const other = rows.get(id)!;
          if (isLive(other) && other.lastUsedAt > limit.idleBefore && !replaced.includes(other)) counted.push(other);
        }
        const excess = counted.length - limit.max + 1;
        if (excess > 0) {
          if (limit.onLimit === 'refuse') throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
          counted.sort(leastRecentlyUsedFirst);
          evicted.push(...counted.slice(0, excess));
        }
      }
      for (const other of replaced) markRevoked(other, { at: createdAt, reason: 'replaced', denyUntil: createOptions.denyUntil });
      for (const other of evicted) markRevoked(other, { at: createdAt, reason: 'session_limit', denyUntil: createOptions.denyUntil });
      const rare: Rare | undefined =
        record.authenticatedAt !== createdAt || record.persistent === false || record.impersonatorId !== undefined
          ? {
              authenticatedAt: record.authenticatedAt === createdAt ? undefined : record.authenticatedAt,
              persistent: record.persistent === false ? false : undefined,
              impersonatorId: record.impersonatorId,
            }
          : undefined;
      const row = new Row({
        id: record.id,
        userId: strings.intern(record.userId),
        tenantId: strings.intern(record.tenantId),
        kind: strings.intern(record.kind),
        hash: Buffer.from(record.secretHash).toString('latin1'),
        createdAt,
        expiresAt: createdAt + record.maxAge,
        device: devices.intern(record),
        ip: record.ip,
        data: structuredClone(record.data),
        rare,
      });
      rows.set(row.id, row);
      state.ids = addId(state.ids, row.id);
      state.highWater = raiseMark(state.highWater, row.kind, createdAt);
      expiry.add(row.expiresAt, row.id);
      if (row.tenantId !== undefined) {
        let tenant = tenants.get(row.tenantId);
        if (tenant === undefined) tenants.set(row.tenantId, (tenant = { epochs: undefined, highWater: keyedByText() }));
        tenant.highWater[row.kind] = Math.max(tenant.highWater[row.kind] ?? 0, createdAt);
      }
      if (createOptions.activity !== undefined) activity.append([createOptions.activity, ...derivedEntries(createOptions.activity, replaced, evicted)]);
      if (replaced.length > 0 || evicted.length > 0) notify(row.userId);
      return { session: toRecord(row), replacedIds: replaced.map((other) => other.id), evictedIds: evicted.map((other) => other.id) };
    },

    async get(sessionId: string): Promise<SessionLookup | null> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined) return null;
      // A row's user state lives as long as the row.
      return { session: toRecord(row), epochs: users.get(row.userId)!.epochs ?? NO_EPOCHS, tenantEpochs: tenantEpochsOf(row.tenantId) };
    },


    async touch(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revoked !== undefined) return false;
      // Stryker disable next-line EqualityOperator: at === lastUsedAt writes the same value
      if (at > row.lastUsedAt) row.lastUsedAt = at;
      return true;
    },

    async reauthenticate(sessionId: string, at: number): Promise<boolean> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revoked !== undefined) return false;
      const current = row.rare?.authenticatedAt ?? row.createdAt;
      // Stryker disable next-line EqualityOperator: at === current writes the same values
      if (at > current) row.rare = { ...row.rare, authenticatedAt: at };
      return true;
    },

    async revoke(sessionId: string, revokeOptions: RevokeOptions): Promise<SessionRecord | null> {
      ensureOpen();
      const row = rows.get(sessionId);
      if (row === undefined || row.revoked !== undefined) return null;
      const before = toRecord(row);
      markRevoked(row, revokeOptions);
      if (revokeOptions.activity !== undefined) activity.append([revokeOptions.activity]);
      notify(row.userId);
      return before;
    },

    async revokeAll(userId: string, revokeOptions: RevokeAllOptions): Promise<Epochs> {
      ensureOpen();
      const state = userState(userId);
      const epochs = (state.epochs ??= keyedByText());
      const result = keyedByText();
      for (const kind of revokeOptions.kinds) {
        const raised = Math.max(epochs[kind] ?? 0, revokeOptions.at, findMark(state.highWater, kind) ?? 0);
        epochs[kind] = raised;
        result[kind] = raised;
      }
      if (revokeOptions.activity !== undefined) activity.append([revokeOptions.activity]);
      notify(userId);
      return result;
    },

    async revokeTenant(tenantId: string, revokeOptions: RevokeTenantOptions): Promise<Epochs> {
      ensureOpen();
      let tenant = tenants.get(tenantId);
      if (tenant === undefined) tenants.set(tenantId, (tenant = { epochs: undefined, highWater: keyedByText() }));
      const epochs = (tenant.epochs ??= keyedByText());
      const result = keyedByText();
      for (const kind of revokeOptions.kinds) {
        const raised = Math.max(epochs[kind] ?? 0, revokeOptions.at, tenant.highWater[kind] ?? 0);
        epochs[kind] = raised;
        result[kind] = raised;
      }
      if (revokeOptions.activity !== undefined) activity.append([revokeOptions.activity]);
      // Stryker disable next-line StringLiteral: a tenant's notice carries no user id, so the first argument is not read
      notify('', tenantId);
      return result;
    },

    async revokeOthers(userId: string, revokeOptions: RevokeOthersOptions): Promise<readonly string[]> {
      ensureOpen();
      if (revokeOptions.activity !== undefined) activity.append([revokeOptions.activity]);
      const state = users.get(userId);
      if (state === undefined) return [];
      const kinds = new Set(revokeOptions.kinds);
      const revoked: string[] = [];
      for (const id of eachId(state.ids)) {
        const row = rows.get(id)!;
        if (id === revokeOptions.keepSessionId || row.revoked !== undefined || !kinds.has(row.kind)) continue;
        if (row.createdAt <= (state.epochs?.[row.kind] ?? 0) || row.expiresAt <= revokeOptions.at) continue;
        if (row.createdAt <= (tenantEpochsOf(row.tenantId)?.[row.kind] ?? 0)) continue;
        markRevoked(row, revokeOptions);
        revoked.push(id);
      }
      if (revoked.length > 0) notify(userId);
      return revoked;
    },

    async listByUser(userId: string): Promise<UserSessions> {
      ensureOpen();
      const state = users.get(userId);
      if (state === undefined) return { sessions: [], epochs: NO_EPOCHS };
      const sessions: SessionRecord[] = [];
      const tenantEpochs = new Map<string, Epochs>();
      for (const id of eachId(state.ids)) {
        const row = rows.get(id)!;
        sessions.push(toRecord(row));
        const ofTenant = tenantEpochsOf(row.tenantId);
        if (ofTenant !== undefined) tenantEpochs.set(row.tenantId!, keyedByText(Object.entries(ofTenant)));
      }
      return { sessions, epochs: keyedByText(Object.entries(state.epochs ?? NO_EPOCHS)), tenantEpochs: Object.assign(Object.create(null), Object.fromEntries(tenantEpochs)) };
    },

    async getRevocationState(userId: string, tenantId?: string): Promise<RevocationState> {
      ensureOpen();
      const state = users.get(userId);
      const ofTenant = tenantEpochsOf(tenantId);
      return {
        epochs: keyedByText(Object.entries(state?.epochs ?? NO_EPOCHS)),
        denied: keyedByText(state?.denied),
        tenantEpochs: ofTenant === undefined ? undefined : keyedByText(Object.entries(ofTenant)),
      };
    },

    async appendActivity(entries: readonly ActivityRecord[]): Promise<void> {
      ensureOpen();
      activity.append(entries);
    },

    async listActivity(userId: string, listOptions: ListActivityOptions): Promise<readonly ActivityRecord[]> {
      ensureOpen();
      return activity.list(userId, listOptions);
    },

    async rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null> {
      ensureOpen();
      return activity.rememberDevice(userId, deviceHash, at);
    },

    async listDevices(userId: string): Promise<readonly KnownDevice[]> {
      ensureOpen();
      return activity.devices(userId);
    },

    async saveRevocationLink(link: RevocationLinkRecord): Promise<void> {
      ensureOpen();
      activity.saveLink(link);
    },

    async consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null> {
      ensureOpen();
      return activity.consumeLink(id, secretHash, now);
    },

    async stats(now: number): Promise<Readonly<Record<string, KindStats>>> {
      ensureOpen();
      const counts = new Map<string, { live: number; revoked: number; expired: number }>();
      for (const row of rows.values()) {
        let count = counts.get(row.kind);
        if (count === undefined) counts.set(row.kind, (count = { live: 0, revoked: 0, expired: 0 }));
        if (row.expiresAt <= now) count.expired++;
        else if (row.revoked !== undefined) count.revoked++;
        else count.live++;
      }
      return Object.assign(Object.create(null) as Record<string, KindStats>, Object.fromEntries(counts));
    },

    async eraseUser(userId: string): Promise<number> {
      ensureOpen();
      activity.erase(userId);
      const state = users.get(userId);
      if (state === undefined) return 0;
      let deleted = 0;
      // The ids stay in the expiry index until their bucket ends; pruning skips them as gone.
      for (const id of [...eachId(state.ids)]) {
        deleteRow(rows.get(id)!);
        deleted++;
      }
      if (state.denied !== undefined) {
        state.denied = undefined;
        usersWithDenied.delete(userId);
        if (state.epochs === undefined) users.delete(userId);
      }
      return deleted;
    },

    async prune(pruneOptions: PruneOptions): Promise<number> {
      ensureOpen();
      let deleted = 0;
      expiry.takeExpired(pruneOptions.now, pruneOptions.limit, (id) => {
        const row = rows.get(id);
        // A row erased with its user (eraseUser) leaves its id here until its bucket ends.
        // Stryker disable next-line StringLiteral: the index drops an id on any answer but 'keep' and counts only 'deleted'
        if (row === undefined) return 'gone';
        if (row.expiresAt > pruneOptions.now) return 'keep';
        deleteRow(row);
        deleted++;
        return 'deleted';
      });
      for (const userId of usersWithDenied) {
        // A user is listed here exactly while it holds deny-list entries, so its state exists.
        const state = users.get(userId)!;
        const denied = state.denied!;
        for (const [id, until] of denied) if (until <= pruneOptions.now) denied.delete(id);
        // Dropping emptied deny-lists and user states only frees memory: answers are the same.
        // Stryker disable next-line BlockStatement: see above
        if (denied.size === 0) {
          state.denied = undefined;
          usersWithDenied.delete(userId);
          if (isEmpty(state.ids) && state.epochs === undefined) users.delete(userId);
        }
      }
      activity.prune(pruneOptions.now, pruneOptions.limit, pruneOptions.activityBefore, pruneOptions.devicesBefore);
      return deleted;
    },

    ...memoryFederated(ensureOpen),

    subscribe(listener: (notice: RevocationNotice) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close(): Promise<void> {
      closed = true;
      listeners.clear();
      activity.clear();
    },
  };
  return store;
}

// The fields of get() but the hash, in the field order of toRecord (one object shape per kind of answer).
function toSession(row: Row): Session {
  // `rare` read once: most rows have none, and what they lack is the default.
  const { device, rare } = row;
  return {
    id: row.id,
    userId: row.userId,
    tenantId: row.tenantId,
    kind: row.kind,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    authenticatedAt: rare?.authenticatedAt ?? row.createdAt,
    persistent: rare?.persistent,
    deviceKey: device.deviceKey,
    browser: device.browser,
    os: device.os,
    deviceType: device.deviceType,
    userAgent: device.userAgent,
    ip: row.ip,
    data: rare?.data,
    impersonatorId: rare?.impersonatorId,
    revokedAt: rare?.revoked?.at,
    revokedReason: rare?.revoked?.reason,
  };
}

// The order of eviction: least recently used first, then oldest, then by id, so two stores
// (and two runs) always pick the same session. Ids are unique, so two rows never compare equal.
function leastRecentlyUsedFirst(a: Row, b: Row): number {
  // Stryker disable next-line EqualityOperator: ids are unique, so a.id <= b.id orders the same (the variant a.id >= b.id goes with it; the eviction test kills it)
  return a.lastUsedAt - b.lastUsedAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
}

function toRecord(row: Row): SessionRecord {
  // `rare` read once: most rows have none, and what they lack is the default.
  const { device, rare } = row;
  return {
    id: row.id,
    userId: row.userId,
    tenantId: row.tenantId,
    kind: row.kind,
    secretHash: Buffer.from(row.hash, 'latin1'),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    authenticatedAt: rare?.authenticatedAt ?? row.createdAt,
    persistent: rare?.persistent,
    deviceKey: device.deviceKey,
    browser: device.browser,
    os: device.os,
    deviceType: device.deviceType,
    userAgent: device.userAgent,
    ip: row.ip,
    data: rare?.data,
    impersonatorId: rare?.impersonatorId,
    revokedAt: rare?.revoked?.at,
    revokedReason: rare?.revoked?.reason,
  };
}
