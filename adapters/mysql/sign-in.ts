import { SessionError } from '../../src/errors.js';
import type { ActivityRecord, CreateOptions, CreateResult, NewSessionRecord, SessionRecord } from '../../src/store.js';
import { duplicateAs } from './errors.js';
import type { Connection } from './connection.js';
import type { TableNames } from './options.js';
import type { MysqlValue } from './types.js';
import { activityInsert, denyInsert, placeholders } from './queries.js';
import { activityValues, millis, SESSION_COLUMNS, sessionValues, text, utf8 } from './rows.js';

/**
 * Sign-in, in one READ COMMITTED transaction. The upsert of the user's epoch row for the kind
 * locks it, which serialises sign-ins, "sign out everywhere" and the session cap for that user
 * and kind across every instance; a session with a tenant then locks the tenant's row (always
 * after the user's: the one order of every transaction that takes both). With those locks
 * held, each read sees what every earlier sign-in committed, so the replacement and the cap
 * count what is really live. A refusal rolls everything back: a refused sign-in writes nothing.
 */
export async function signIn(connection: Connection, t: TableNames, record: NewSessionRecord, options: CreateOptions): Promise<CreateResult> {
  const userId = utf8(record.userId);
  const kind = utf8(record.kind);
  const requested = record.createdAt;
  await connection.write(
    `INSERT INTO ${t.epochs} (user_id, kind, epoch, high_water) VALUES (?, ?, 0, GREATEST(?, 1))
     ON DUPLICATE KEY UPDATE high_water = GREATEST(high_water, VALUES(high_water), epoch + 1)`,
    [userId, kind, requested],
  );
  const [user] = await connection.rows(`SELECT epoch FROM ${t.epochs} WHERE user_id = ? AND kind = ?`, [userId, kind]);
  const epoch = millis(user!, 'epoch');
  let createdAt = Math.max(requested, epoch + 1);
  const tenantId = utf8(record.tenantId);
  // The sign-in's tenant's epoch (0 without a tenant): every row judged below is of that tenant.
  let tenantEpoch = 0;
  if (record.tenantId !== undefined) {
    await connection.write(
      `INSERT INTO ${t.tenantEpochs} (tenant_id, kind, epoch, high_water) VALUES (?, ?, 0, ?)
       ON DUPLICATE KEY UPDATE high_water = GREATEST(high_water, VALUES(high_water), epoch + 1)`,
      [tenantId, kind, createdAt],
    );
    const [tenant] = await connection.rows(`SELECT epoch FROM ${t.tenantEpochs} WHERE tenant_id = ? AND kind = ?`, [tenantId, kind]);
    tenantEpoch = millis(tenant!, 'epoch');
    if (tenantEpoch >= createdAt) {
      // Born after the tenant's epoch too; the user's mark follows (its row is locked already).
      createdAt = tenantEpoch + 1;
      await connection.write(`UPDATE ${t.epochs} SET high_water = GREATEST(high_water, ?) WHERE user_id = ? AND kind = ?`, [createdAt, userId, kind]);
    }
  }

  // Live sessions (semantics 6) of the user, kind and tenant (`<=>` matches NULL to NULL: a
  // sign-in without a tenant looks at the sessions without one), least recently used first
  // (then oldest, then by id in byte order, so every store evicts the same one).
  const live = `s.user_id = ? AND s.kind = ? AND s.tenant_id <=> ? AND s.revoked_at IS NULL AND s.created_at > ? AND s.created_at > ? AND s.expires_at > ?`;
  const replacedIds =
    options.replaceDevice && record.deviceKey !== undefined
      ? await revokeIds(connection, t, 'replaced', createdAt, `SELECT s.id FROM ${t.sessions} AS s WHERE ${live} AND s.device_key = ? ORDER BY s.id FOR UPDATE`, [
          userId,
          kind,
          tenantId,
          epoch,
          tenantEpoch,
          createdAt,
          utf8(record.deviceKey),
        ])
      : [];
  let evictedIds: string[] = [];
  const { limit } = options;
  if (limit !== undefined) {
    const counted = await connection.rows(
      `SELECT s.id FROM ${t.sessions} AS s WHERE ${live} AND s.last_used_at > ? ORDER BY s.last_used_at, s.created_at, s.id FOR UPDATE`,
      [userId, kind, tenantId, epoch, tenantEpoch, createdAt, limit.idleBefore],
    );
    const excess = counted.length - limit.max + 1;
    if (excess > 0 && limit.onLimit === 'refuse') throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
    if (excess > 0) evictedIds = await revokeIds(connection, t, 'session_limit', createdAt, null, counted.slice(0, excess).map((row) => text(row, 'id')));
  }
  const ended = [...replacedIds, ...evictedIds];
  if (options.denyUntil !== undefined && ended.length > 0) {
    await connection.write(denyInsert(t, ended.length), ended.flatMap((id) => [userId, utf8(id), options.denyUntil!]));
  }

  const { maxAge: _maxAge, ...fields } = record;
  const session: SessionRecord = {
    ...fields,
    secretHash: Buffer.from(record.secretHash),
    createdAt,
    expiresAt: createdAt + record.maxAge,
    lastUsedAt: createdAt,
    persistent: record.persistent === false ? false : undefined,
    data: record.data === undefined ? undefined : structuredClone(record.data),
  };
  await connection
    .write(`INSERT INTO ${t.sessions} (${SESSION_COLUMNS.join(', ')}) VALUES (${placeholders(SESSION_COLUMNS.length)})`, sessionValues(session))
    .catch(duplicateAs('A session'));
  if (options.activity !== undefined) {
    const entries = signInEntries(options.activity, replacedIds, evictedIds);
    await connection.write(activityInsert(t, entries.length), entries.flatMap(activityValues));
  }
  return { session, replacedIds, evictedIds };
}

/** Makes tombstones of the ids `select` finds (or the ids given), locked first; answers them. */
async function revokeIds(connection: Connection, t: TableNames, reason: string, at: number, select: string | null, given: readonly MysqlValue[]): Promise<string[]> {
  const ids = select === null ? (given as string[]) : (await connection.rows(select, given)).map((row) => text(row, 'id'));
  if (ids.length === 0) return [];
  await connection.write(`UPDATE ${t.sessions} SET revoked_at = ?, revoked_reason = ? WHERE id IN (${placeholders(ids.length)})`, [
    at,
    utf8(reason),
    ...ids.map(utf8),
  ]);
  return ids;
}

// The sign-in's entry, then one per session it ended, numbered from 0 across the replaced ones
// and then the evicted ones, as CreateOptions.activity describes.
function signInEntries(entry: ActivityRecord, replacedIds: readonly string[], evictedIds: readonly string[]): ActivityRecord[] {
  const ended = [...replacedIds.map((id) => [id, 'replaced'] as const), ...evictedIds.map((id) => [id, 'session_limit'] as const)];
  return [
    entry,
    ...ended.map(([sessionId, reason], index) => ({ id: `${entry.id}.${index}`, userId: entry.userId, tenantId: entry.tenantId, type: 'session.revoked', at: entry.at, reason, sessionId })),
  ];
}
