import { setImmediate } from 'node:timers/promises';
import { halfwayTo } from '../../src/core/timer.js';
import type { KindStats, Owner, RevocationNotice, SessionLookup, SessionStore, Write } from '../../src/store.js';
import type { Dialect } from './dialect.js';
import { activityOf, activityValues, dict, num, sessionOf, sessionValues, text, type Row, type SqlValue } from './records.js';
import { sqlStatements, type Names, type Statement } from './statements.js';

/** A statement's rows, and the rows it changed (matched, for an UPDATE). */
export type SqlResult = { readonly rows: readonly Row[]; readonly count: number };

/** One connection of a driver, for one store call. */
export interface SqlConnection {
  run(statement: Statement, values: readonly SqlValue[]): Promise<SqlResult>;
}

/** One write of a batch as a statement and its values; `userSessions` stands for deleting each session it finds. */
export type SqlStep = readonly [Statement, readonly SqlValue[]];

/** What a batch checks first: its owner's row (`u` a user, `t` a tenant, `k` a key) at the version read, if one was. */
export interface SqlCheck {
  readonly scope: 'u' | 't' | 'k';
  readonly owner: string;
  readonly version: number | undefined;
}

/** The driver glue each SQL store writes: connections, transactions, errors, notices. */
export interface SqlDriver {
  /** Runs `work` on one connection, in one transaction when `transaction` (a rejection rolls back); work outside one is idempotent (a read, a touch) and may be sent again; rejects as the contract says. */
  use<T>(operation: string, transaction: boolean, work: (connection: SqlConnection) => Promise<T>): Promise<T>;
  /** Applies a whole batch in one call (PostgreSQL's apply function): the check, the steps in order, the notice on commit. Without it a batch is a transaction of statements. */
  applyAll?(check: SqlCheck, steps: readonly SqlStep[], notice: RevocationNotice | undefined): Promise<boolean>;
  /** Whether `use` rejected because a concurrent transaction changed the same rows first (a stricter isolation's serialization failure): it got there first. */
  conflict?(error: unknown): boolean;
}

/** The store's methods that are the same SQL on every dialect; the store adds `close`, `subscribe`, `callTimeout`. */
export type SqlStoreCore = Required<Omit<SessionStore, 'close' | 'subscribe' | 'callTimeout' | 'shardsByUser'>>;

/** A claim of a key that must not exist (version 0) holds a row of these values (and version 0) until it commits. */
export const CLAIM_PLACEHOLDER: readonly SqlValue[] = ['', 0, null, 0];

/** The contract's store in shared SQL; `apply` is one transaction (or the driver's one call): the version check and bump first, then every write in order. */
export function sqlStore(dialect: Dialect, names: Names, driver: SqlDriver): SqlStoreCore {
  const st = sqlStatements(dialect, names);
  const read = async (operation: string, statement: Statement, values: readonly SqlValue[]): Promise<readonly Row[]> =>
    (await driver.use(operation, false, (c) => c.run(statement, values))).rows;

  const holds = async (c: SqlConnection, { scope, owner, version }: SqlCheck): Promise<boolean> => {
    if (scope === 'k') {
      if (version === undefined) return true;
      if (version === 0) return (await c.run(st.claimKey, [owner, ...CLAIM_PLACEHOLDER])).count === 1;
      return (await c.run(st.keyHeld, [owner, version])).rows.length === 1;
    }
    const id = [scope, owner];
    if (version !== undefined) {
      if ((await c.run(st.bumpIf, [...id, version])).count === 1) return true;
      return version === 0 && (await c.run(st.newOwner, [...id, 1])).count === 1;
    }
    if ((await c.run(st.bump, id)).count === 1 || (await c.run(st.newOwner, [...id, 1])).count === 1) return true;
    // Another batch inserted the row between the two: it exists now, and this bump waits for it.
    return (await c.run(st.bump, id)).count === 1;
  };

  const steps = (owner: Owner, step: Write): SqlStep[] => {
    const userId = 'userId' in owner ? owner.userId : null;
    switch (step.type) {
      case 'insert':
        return [[st.insert, sessionValues(step.session)]];
      case 'revoke':
        return [[st.revoke, [step.at, step.reason, step.sessionId, userId]]];
      case 'epochs':
        return Object.entries(step.epochs).map(([kind, epoch]) => [st.epoch, [...ownerId(owner), kind, epoch]]);
      case 'highWater':
        return [[st.highWater, step.tenantId === undefined ? ['u', userId, step.kind, step.at] : ['t', step.tenantId, step.kind, step.at]]];
      case 'deny':
        return [[st.deny, [userId, step.sessionId, step.until]]];
      case 'device':
        return [[st.device, [userId, step.deviceHash, step.lastSeenAt]]];
      case 'activity':
        // An entry with neither a user nor a tenant belongs to no log.
        return step.entry.userId === undefined && step.entry.tenantId === undefined ? [] : [[st.activity, activityValues(step.entry)]];
      case 'putKey':
        return [[st.putKey, [step.key, step.value, step.expiresAt, step.userId ?? null, 1]]];
      case 'deleteKey':
        return [[st.deleteKey, [step.key]]];
      case 'erase':
        return userId === null ? [] : [st.userSessions, st.eraseDenied, st.eraseDevices, st.eraseActivity, st.eraseKeys].map((statement) => [statement, [userId]]);
    }
  };
  const write = async (c: SqlConnection, [statement, values]: SqlStep): Promise<void> => {
    if (statement !== st.userSessions) return void (await c.run(statement, values));
    for (const row of (await c.run(statement, values)).rows) await c.run(st.deleteSession, [text(row['id'])]);
  };

  return {
    async get(sessionId): Promise<SessionLookup | null> {
      const rows = await read('get', st.get, [sessionId]);
      if (rows[0] === undefined) return null;
      const epochs = dict<number>();
      let tenantEpochs: Record<string, number> | undefined;
      for (const row of rows) {
        if (row['part'] === null || row['part'] === undefined) continue;
        const into = text(row['part']) === 'u' ? epochs : (tenantEpochs ??= dict());
        into[text(row['ek'])] = num(row['en']);
      }
      return { session: sessionOf(rows[0], text(rows[0]['u'])), epochs, tenantEpochs };
    },

    async readUser(userId, tenantId, sessionId) {
      // `id = NULL` holds for no row: that is the read with no row.
      const row = sessionId === undefined ? [] : [sessionId];
      const rows = await read('readUser', row.length === 0 ? st.readUser : st.readUserRow, [userId, ...row, userId, userId, tenantId ?? null, userId, ...row, userId, userId, userId]);
      let version = 0;
      const [sessions, epochs, highWater, tenantEpochs, denied, devices] = [[] as ReturnType<typeof sessionOf>[], dict<number>(), dict<number>(), dict<Record<string, number>>(), dict<number>(), dict<number>()];
      for (const row of rows) {
        const part = text(row['part']);
        if (part === 's') sessions.push(sessionOf(row, userId));
        else if (part === 'v') version = num(row['n1']);
        else if (part === 'u' || part === 'w') (part === 'u' ? epochs : highWater)[text(row['b'])] = num(row['n1']);
        else if (part === 't') (tenantEpochs[text(row['a'])] ??= dict())[text(row['b'])] = num(row['n1']);
        else (part === 'd' ? denied : devices)[text(row['a'])] = num(row['n1']);
      }
      return { version, sessions, epochs, highWater, tenantEpochs, denied, devices };
    },

    async readTenant(tenantId) {
      const rows = await read('readTenant', st.readTenant, [tenantId, tenantId, tenantId]);
      let version = 0;
      const [epochs, highWater] = [dict<number>(), dict<number>()];
      for (const row of rows) {
        const part = text(row['part']);
        if (part === 'v') version = num(row['n1']);
        else (part === 't' ? epochs : highWater)[text(row['a'])] = num(row['n1']);
      }
      return { version, epochs, highWater };
    },

    async readKey(key) {
      const [row] = await read('readKey', st.readKey, [key]);
      return row === undefined ? { version: 0 } : { version: num(row['version']), value: text(row['value']), expiresAt: num(row['expires_at']) };
    },

    apply: async (batch) => {
      const { owner } = batch;
      const [scope, id] = ownerId(owner);
      const check: SqlCheck = { scope, owner: id, version: batch.version };
      const all = batch.writes.flatMap((step) => steps(owner, step));
      if (driver.applyAll !== undefined) {
        const notice = 'key' in owner || batch.notify !== true ? undefined : 'userId' in owner ? { userId: owner.userId } : { userId: '', tenantId: owner.tenantId };
        return driver.applyAll(check, all, notice);
      }
      return driver.use('apply', true, async (c) => {
        if (!(await holds(c, check))) return false;
        for (const step of all) await write(c, step);
        if (check.scope === 'k' && check.version === 0) await c.run(st.unclaimKey, [check.owner]);
        return true;
      });
    },

    async touch(sessionId, times) {
      return (await driver.use('touch', false, (c) => c.run(st.touch, [times.lastUsedAt ?? 0, times.authenticatedAt ?? 0, sessionId]))).count > 0;
    },

    async prune({ now, limit, activityBefore, devicesBefore, due }) {
      // A batch whose rows another instance deleted first is rolled back whole: that instance is pruning, so this batch deleted none.
      const batch = (statement: Statement, values: readonly SqlValue[]): Promise<number> =>
        driver.use('prune', true, (c) => c.run(statement, values)).then(({ count }) => count, (error: unknown) => (driver.conflict?.(error) === true ? 0 : Promise.reject(error)));
      const count = await batch(st.pruneSessions, [now, limit, now]);
      // The manager calls again only while session rows go: each other table's backlog goes now, `limit` rows a transaction, yielding
      // between them (SQLite's driver is synchronous), none started once half the time to the caller's deadline is gone (the next run goes on).
      const halfway = halfwayTo(due);
      for (const [statement, before] of [[st.pruneDenied, now], [st.pruneKeys, now], [st.pruneActivity, activityBefore], [st.pruneDevices, devicesBefore]] as const) {
        for (let round = 0; before !== undefined && round < 1_000 && performance.now() < halfway; round++) {
          if ((await batch(statement, [before, limit, before])) < limit) break;
          await setImmediate();
        }
      }
      return count;
    },

    async listActivity(userId, { tenantId, limit, before }) {
      // '~' sorts after every character an activity id may hold.
      const after = before ?? '~';
      return (await read('listActivity', st.listActivity, [userId, after, limit, tenantId ?? null, after, limit, limit])).map(activityOf);
    },

    async stats(now) {
      const counts = dict<KindStats>();
      for (const row of await read('stats', st.stats, [now, now, now])) {
        counts[text(row['kind'])] = { live: num(row['live']), revoked: num(row['revoked']), expired: num(row['expired']) };
      }
      return counts;
    },
  };
}

/** The owner's row key in `owners` and `epochs`: a user (`u`) or a tenant (`t`); a key (`k`) is its own row in `keys`. */
const ownerId = (owner: Owner): ['u' | 't' | 'k', string] => ('userId' in owner ? ['u', owner.userId] : 'tenantId' in owner ? ['t', owner.tenantId] : ['k', owner.key]);
