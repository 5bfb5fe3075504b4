import { SessionError } from '../../src/errors.js';
import type { ActivityRecord, CreateOptions, CreateResult, NewSessionRecord, SessionRecord } from '../../src/store.js';
import type { Connection } from './connection.js';
import { duplicateAs } from './errors.js';
import type { TableNames } from './options.js';
import { deny, insertActivity, placeholders, tombstone } from './queries.js';
import { millis, SESSION_COLUMNS, sessionValues, text, utf8 } from './rows.js';

/**
 * Sign-in, in one READ COMMITTED transaction. The upsert of the user's epoch row for the kind
 * locks it, which serialises sign-ins, "sign out everywhere" and "sign out other devices" of
 * that user and kind across every instance; a session with a tenant then locks the tenant's row
 * (always after the user's: the one order of every transaction that takes both). A refusal
 * rolls everything back: a refused sign-in writes nothing.
 */
export async function signIn(connection: Connection, t: TableNames, record: NewSessionRecord, options: CreateOptions): Promise<CreateResult> {
  const [userId, kind, tenantId] = [utf8(record.userId), utf8(record.kind), utf8(record.tenantId)];
  const requested = record.createdAt;
  await connection.write(
    `INSERT INTO ${t.epochs} (user_id, kind, epoch, high_water) VALUES (?, ?, 0, GREATEST(?, 1)) ON DUPLICATE KEY UPDATE high_water = GREATEST(high_water, ?, epoch + 1)`,
    [userId, kind, requested, requested],
  );
  const [user] = await connection.rows(`SELECT epoch FROM ${t.epochs} WHERE user_id = ? AND kind = ?`, [userId, kind]);
  const epoch = millis(user!, 'epoch');
  let createdAt = Math.max(requested, epoch + 1);
  // The sign-in's tenant's epoch (0 without a tenant): every row judged below is of that tenant.
  let tenantEpoch = 0;
  if (record.tenantId !== undefined) {
    await connection.write(
      `INSERT INTO ${t.tenantEpochs} (tenant_id, kind, epoch, high_water) VALUES (?, ?, 0, ?) ON DUPLICATE KEY UPDATE high_water = GREATEST(high_water, ?, epoch + 1)`,
      [tenantId, kind, createdAt, createdAt],
    );
    const [tenant] = await connection.rows(`SELECT epoch FROM ${t.tenantEpochs} WHERE tenant_id = ? AND kind = ?`, [tenantId, kind]);
    tenantEpoch = millis(tenant!, 'epoch');
    if (tenantEpoch >= createdAt) {
      // Born after the tenant's epoch too; the user's mark follows (its row is locked already).
      createdAt = tenantEpoch + 1;
      await connection.write(`UPDATE ${t.epochs} SET high_water = GREATEST(high_water, ?) WHERE user_id = ? AND kind = ?`, [createdAt, userId, kind]);
    }
  }

  // Plain reads, no FOR UPDATE: whoever else ends these rows in bulk holds the epoch row lock
  // taken above, so they see every such change committed; a locking read would lock each row
  // the server scans, other users' rows too. `tombstone` catches a revoke by id in between.
  // Live (semantics 6) of the user, kind and tenant (`<=>`: NULL matches NULL), least recently
  // used first (then oldest, then by id in byte order, so every store evicts the same one).
  const live = `SELECT s.id FROM ${t.sessions} AS s WHERE s.user_id = ? AND s.kind = ? AND s.tenant_id <=> ? AND s.revoked_at IS NULL
    AND s.created_at > ? AND s.created_at > ? AND s.expires_at > ?`;
  const liveValues = [userId, kind, tenantId, epoch, tenantEpoch, createdAt];
  const idsOf = async (sql: string, values: readonly (Buffer | number | null)[]): Promise<string[]> => (await connection.rows(sql, values)).map((row) => text(row, 'id'));
  const replacedIds =
    options.replaceDevice && record.deviceKey !== undefined
      ? await tombstone(connection, t, await idsOf(`${live} AND s.device_key = ? ORDER BY s.id`, [...liveValues, utf8(record.deviceKey)]), createdAt, 'replaced')
      : [];
  let evictedIds: readonly string[] = [];
  const { limit } = options;
  if (limit !== undefined) {
    const counted = await idsOf(`${live} AND s.last_used_at > ? ORDER BY s.last_used_at, s.created_at, s.id`, [...liveValues, limit.idleBefore]);
    const excess = counted.length - limit.max + 1;
    if (excess > 0 && limit.onLimit === 'refuse') throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
    if (excess > 0) evictedIds = await tombstone(connection, t, counted.slice(0, excess), createdAt, 'session_limit');
  }
  await deny(connection, t, record.userId, [...replacedIds, ...evictedIds], options.denyUntil);

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
  if (options.activity !== undefined) await insertActivity(connection, t, signInEntries(options.activity, replacedIds, evictedIds));
  return { session, replacedIds: [...replacedIds], evictedIds: [...evictedIds] };
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
