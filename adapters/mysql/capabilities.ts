import { timingSafeEqual } from 'node:crypto';
import type { ActivityStore, KindStats, RevocationLinkStore, StatsStore, TenantStore } from '../../src/store.js';
import type { Connection } from './connection.js';
import { duplicateAs } from './errors.js';
import type { TableNames } from './options.js';
import { insertActivity, raise } from './queries.js';
import { ACTIVITY_COLUMNS, LINK_COLUMNS, millis, text, toActivity, toLink, utf8 } from './rows.js';

// The MySQL store's optional capabilities (tenants, activity and known devices, revocation
// links, statistics), apart from its core; store.ts spreads them into the store it returns.

/** What the capabilities share with the store that owns them. */
export interface CapabilityContext {
  readonly names: TableNames;
  /** One operation on a pooled connection, with the store's deadline and error mapping. */
  readonly run: <T>(operation: string, work: (connection: Connection) => Promise<T>) => Promise<T>;
  /** The same, inside a transaction. */
  readonly inTransaction: <T>(operation: string, work: (connection: Connection) => Promise<T>) => Promise<T>;
}

/** The capabilities this store always has. */
export function capabilities({ names: t, run, inTransaction }: CapabilityContext): TenantStore & ActivityStore & RevocationLinkStore & StatsStore {
  return {
    revokeTenant: (tenantId, options) =>
      inTransaction('revokeTenant', async (connection) => {
        const epochs = await raise(connection, t.tenantEpochs, 'tenant_id', tenantId, options.kinds, options.at);
        await insertActivity(connection, t, [options.activity]);
        return epochs;
      }),

    appendActivity: (entries) => run('appendActivity', (connection) => insertActivity(connection, t, entries)),

    // The user's page and the tenant's own entries, each through its index, merged by id.
    listActivity: (userId, listOptions) => {
      const limit = Math.floor(listOptions.limit);
      if (!(limit > 0)) return Promise.resolve([]);
      const before = utf8(listOptions.before);
      const page = (where: string): string => `(SELECT ${ACTIVITY_COLUMNS} FROM ${t.activity} WHERE ${where} AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?)`;
      return run('listActivity', async (connection) => {
        const rows = await connection.rowsInline(`${page('user_id = ?')} UNION ALL ${page('tenant_id = ? AND user_id IS NULL')} ORDER BY id DESC LIMIT ?`, [
          ...[utf8(userId), before, before, limit],
          ...[utf8(listOptions.tenantId), before, before, limit],
          limit,
        ]);
        return rows.map(toActivity);
      });
    },

    // The upsert writes the time it replaces into previous_seen_at and reads it back under its
    // own row lock: exact however many sign-ins from the device run at once.
    rememberDevice: (userId, deviceHash, at) =>
      inTransaction('rememberDevice', async (connection) => {
        const key = [utf8(userId), utf8(deviceHash)];
        await connection.write(
          `INSERT INTO ${t.devices} (user_id, device_hash, last_seen_at, previous_seen_at) VALUES (?, ?, ?, NULL)
           ON DUPLICATE KEY UPDATE previous_seen_at = last_seen_at, last_seen_at = GREATEST(last_seen_at, ?)`,
          [...key, at, at],
        );
        const [row] = await connection.rows(`SELECT previous_seen_at FROM ${t.devices} WHERE user_id = ? AND device_hash = ?`, key);
        return row === undefined || row['previous_seen_at'] === null ? null : millis(row, 'previous_seen_at');
      }),

    listDevices: (userId) =>
      run('listDevices', async (connection) =>
        (await connection.rows(`SELECT device_hash, last_seen_at FROM ${t.devices} WHERE user_id = ?`, [utf8(userId)])).map((row) => ({
          deviceHash: text(row, 'device_hash'),
          lastSeenAt: millis(row, 'last_seen_at'),
        })),
      ),

    saveRevocationLink: (link) =>
      run('saveRevocationLink', async (connection) => {
        await connection
          .write(`INSERT INTO ${t.links} (${LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
            utf8(link.id),
            Buffer.from(link.secretHash),
            utf8(link.userId),
            utf8(link.sessionId),
            link.expiresAt,
            utf8(link.deviceKey),
            utf8(link.tenantId),
          ])
          .catch(duplicateAs('A revocation link'));
      }),

    // Read, compare in constant time and delete under the row lock: of two instances using one
    // link at once, the second finds it gone. A wrong secret or an expired link deletes nothing.
    consumeRevocationLink: (id, secretHash, now) =>
      inTransaction('consumeRevocationLink', async (connection) => {
        const [row] = await connection.rows(`SELECT ${LINK_COLUMNS} FROM ${t.links} WHERE id = ? FOR UPDATE`, [utf8(id)]);
        if (row === undefined) return null;
        const link = toLink(row);
        const presented = Buffer.from(secretHash);
        if (link.expiresAt <= now || link.secretHash.length !== presented.length || !timingSafeEqual(link.secretHash, presented)) return null;
        await connection.write(`DELETE FROM ${t.links} WHERE id = ?`, [utf8(id)]);
        return link;
      }),

    stats: (now) =>
      run('stats', async (connection) => {
        const rows = await connection.rows(
          `SELECT kind, SUM(revoked_at IS NULL AND expires_at > ?) AS live, SUM(revoked_at IS NOT NULL AND expires_at > ?) AS revoked,
             SUM(expires_at <= ?) AS expired FROM ${t.sessions} GROUP BY kind`,
          [now, now, now],
        );
        // No prototype: a kind named `__proto__` is a key like any other.
        const counts = Object.create(null) as Record<string, KindStats>;
        for (const row of rows) counts[text(row, 'kind')] = { live: millis(row, 'live'), revoked: millis(row, 'revoked'), expired: millis(row, 'expired') };
        return counts;
      }),
  };
}
