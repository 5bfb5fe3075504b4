import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';
import type {
  CreateOptions,
  CreateResult,
  Epochs,
  NewSessionRecord,
  PruneOptions,
  RevocationState,
  RevokeAllOptions,
  RevokeOptions,
  RevokeOthersOptions,
  SessionLimit,
  SessionLookup,
  SessionRecord,
  UserSessions,
} from '../../src/store.js';
import { asBuffer, parseData, parseEpochs, toRecord } from './rows.js';
import type { Statements } from './statements.js';

/** The store's operations, synchronous: each one statement or one transaction. */
export interface Operations {
  create(record: NewSessionRecord, options: CreateOptions): CreateResult;
  get(sessionId: string): SessionLookup | null;
  touch(sessionId: string, at: number): boolean;
  reauthenticate(sessionId: string, at: number): boolean;
  revoke(sessionId: string, options: RevokeOptions): SessionRecord | null;
  revokeAll(userId: string, options: RevokeAllOptions): Epochs;
  revokeOthers(userId: string, options: RevokeOthersOptions): readonly string[];
  listByUser(userId: string): UserSessions;
  getRevocationState(userId: string): RevocationState;
  eraseUser(userId: string): number;
  prune(options: PruneOptions): number;
}

/**
 * Builds the operations over prepared statements. Writes that take more than one statement
 * run in `BEGIN IMMEDIATE` transactions: the write lock is taken before the first read, so
 * what is read (an epoch, a live row) cannot change before the write, in this process or
 * any other, and a waiting writer goes through the busy timeout instead of failing at once on
 * a stale snapshot. Multi-statement reads share one deferred transaction (one snapshot).
 */
export function createOperations(db: BetterSqlite3.Database, s: Statements): Operations {
  const deny = (ids: readonly string[], userId: string, until: number | undefined): void => {
    if (until === undefined) return;
    for (const id of ids) s.deny.run(id, userId, until);
  };

  // Runs inside create's transaction, after the device replacement: the rows it replaced are
  // revoked already, so they do not count, and a refusal thrown here rolls the replacement
  // back with everything else, so a refused sign-in writes nothing.
  const evictOverLimit = (record: NewSessionRecord, limit: SessionLimit, epoch: number, at: number): string[] => {
    const counted = s.counted.all({ userId: record.userId, kind: record.kind, epoch, at, idleBefore: limit.idleBefore });
    const excess = counted.length - limit.max + 1;
    if (excess <= 0) return [];
    if (limit.onLimit === 'refuse') throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
    const evicted = counted.slice(0, excess);
    for (const id of evicted) s.evict.run(at, id);
    return evicted;
  };

  const create = db.transaction((record: NewSessionRecord, options: CreateOptions): CreateResult => {
    const epoch = s.epochOf.get(record.userId, record.kind) ?? 0;
    const createdAt = Math.max(record.createdAt, epoch + 1);
    const expiresAt = createdAt + record.maxAge;
    const replacedIds =
      options.replaceDevice &&
      // Stryker disable next-line ConditionalExpression: without a deviceKey the statement binds NULL, and `device_key = NULL` matches no row
      record.deviceKey !== undefined
        ? s.replaceDevice.all({ at: createdAt, userId: record.userId, kind: record.kind, deviceKey: record.deviceKey, epoch })
        : [];
    deny(replacedIds, record.userId, options.denyUntil);
    const evictedIds = options.limit === undefined ? [] : evictOverLimit(record, options.limit, epoch, createdAt);
    deny(evictedIds, record.userId, options.denyUntil);
    const data = record.data === undefined ? null : JSON.stringify(record.data);
    s.insert.run({
      id: record.id,
      userId: record.userId,
      tenantId: record.tenantId ?? null,
      kind: record.kind,
      secretHash: asBuffer(record.secretHash),
      createdAt,
      expiresAt,
      authenticatedAt: record.authenticatedAt,
      persistent: record.persistent === false ? 0 : null,
      deviceKey: record.deviceKey ?? null,
      browser: record.browser ?? null,
      os: record.os ?? null,
      deviceType: record.deviceType ?? null,
      userAgent: record.userAgent ?? null,
      ip: record.ip ?? null,
      data,
    });
    s.raiseHighWater.run(record.userId, record.kind, createdAt);
    const { maxAge: _maxAge, ...fields } = record;
    const session: SessionRecord = {
      ...fields,
      secretHash: Buffer.from(record.secretHash),
      data: data === null ? undefined : parseData(data),
      createdAt,
      expiresAt,
      lastUsedAt: createdAt,
      persistent: record.persistent === false ? false : undefined,
      revokedAt: undefined,
      revokedReason: undefined,
    };
    return { session, replacedIds, evictedIds };
  });

  const revoke = db.transaction((sessionId: string, options: RevokeOptions): SessionRecord | null => {
    const row = s.revoke.all(options.at, options.reason, sessionId)[0];
    if (row === undefined) return null;
    deny([row.id], row.user_id, options.denyUntil);
    // The WHERE clause matched only a live row, so "before" is the row without the revocation.
    return { ...toRecord(row), revokedAt: undefined, revokedReason: undefined };
  });

  const revokeOthers = db.transaction((userId: string, options: RevokeOthersOptions): readonly string[] => {
    const ids = s.revokeOthers.all({
      at: options.at,
      reason: options.reason,
      userId,
      keep: options.keepSessionId,
      kinds: JSON.stringify(options.kinds),
    });
    deny(ids, userId, options.denyUntil);
    return ids;
  });

  const listByUser = db.transaction((userId: string): UserSessions => ({
    sessions: s.sessionsOf.all(userId).map(toRecord),
    epochs: epochsOf(userId),
  }));

  const getRevocationState = db.transaction((userId: string): RevocationState => {
    const denied = keyedByText();
    for (const row of s.deniedOf.all(userId)) denied[row.session_id] = row.until;
    return { epochs: epochsOf(userId), denied };
  });

  // Sessions and deny-list in one transaction; epochs (and high-water marks) stay.
  const eraseUser = db.transaction((userId: string): number => {
    const deleted = s.eraseSessions.run(userId).changes;
    s.eraseDenied.run(userId);
    return deleted;
  });

  const prune = db.transaction((options: PruneOptions): number => {
    const deleted = s.pruneSessions.run(options.now, options.limit).changes;
    s.pruneDenied.run(options.now, options.limit);
    return deleted;
  });

  const epochsOf = (userId: string): Record<string, number> => {
    const epochs = keyedByText();
    for (const row of s.epochsOf.all(userId)) epochs[row.kind] = row.epoch;
    return epochs;
  };

  return {
    create: (record, options) => create.immediate(record, options),
    get(sessionId) {
      const row = s.get.get(sessionId);
      return row === undefined ? null : { session: toRecord(row), epochs: parseEpochs(row.epochs) };
    },
    touch: (sessionId, at) => s.touch.run(at, sessionId).changes > 0,
    reauthenticate: (sessionId, at) => s.reauthenticate.run(at, sessionId).changes > 0,
    revoke: (sessionId, options) => revoke.immediate(sessionId, options),
    // One upsert over json_each: every named kind raised to max(epoch, at, high-water mark).
    revokeAll(userId, options) {
      const epochs = keyedByText();
      for (const row of s.raiseEpochs.all(userId, options.at, JSON.stringify(options.kinds))) epochs[row.kind] = row.epoch;
      return epochs;
    },
    revokeOthers: (userId, options) => revokeOthers.immediate(userId, options),
    listByUser: (userId) => listByUser.deferred(userId),
    getRevocationState: (userId) => getRevocationState.deferred(userId),
    eraseUser: (userId) => eraseUser.immediate(userId),
    prune: (options) => prune.immediate(options),
  };
}

// Kinds are the application's text: with no prototype, "__proto__" is a key like any other
// (a plain `{}` drops it) and "constructor" is never read from Object.prototype.
function keyedByText(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}
