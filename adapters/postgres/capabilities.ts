import { SessionError } from '../../src/errors.js';
import type { ActivityRecord, ActivityStore, KindStats, KnownDevice, ListActivityOptions, RevocationLinkRecord, RevocationLinkStore, StatsStore } from '../../src/store.js';
import type { Database } from './connection.js';
import { sqlState } from './errors.js';
import type { Queries } from './queries.js';
import { activityListJson, requiredText, toActivity, toLink, toMillis } from './rows.js';

// The PostgreSQL store's optional capabilities (activity and known devices, revocation links,
// statistics), apart from its core; store.ts spreads them into the store it returns.

/** The capabilities this store always has, on its database and statements. */
export function capabilities(db: Database, sql: Queries, ensureOpen: () => void): ActivityStore & RevocationLinkStore & StatsStore {
  return {
    async appendActivity(entries: readonly ActivityRecord[]): Promise<void> {
      ensureOpen();
      if (entries.length === 0) return;
      await db.run('appendActivity', (connection) => connection.query(sql.appendActivity, [activityListJson(entries)]));
    },

    async listActivity(userId: string, listOptions: ListActivityOptions): Promise<readonly ActivityRecord[]> {
      ensureOpen();
      const limit = Math.floor(listOptions.limit);
      if (!(limit > 0)) return [];
      // No cursor: from above every id (ids are short ASCII; U+10FFFF sorts after them in "C").
      const before = listOptions.before ?? '\u{10FFFF}';
      const { rows } = await db.run('listActivity', (connection) =>
        connection.query(sql.listActivity, [userId, listOptions.tenantId ?? null, before, limit]),
      );
      return rows.map(toActivity);
    },

    async rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null> {
      ensureOpen();
      const { rows } = await db.run('rememberDevice', (connection) => connection.query(sql.rememberDevice, [userId, deviceHash, at]));
      const previous = rows[0]?.['previous'];
      return previous === null || previous === undefined ? null : toMillis(previous);
    },

    async listDevices(userId: string): Promise<readonly KnownDevice[]> {
      ensureOpen();
      const { rows } = await db.run('listDevices', (connection) => connection.query(sql.listDevices, [userId]));
      return rows.map((row) => ({ deviceHash: requiredText(row, 'device_hash'), lastSeenAt: toMillis(requiredText(row, 'last_seen_at')) }));
    },

    async saveRevocationLink(link: RevocationLinkRecord): Promise<void> {
      ensureOpen();
      await db.run('saveRevocationLink', (connection) =>
        connection
          .query(sql.saveLink, [link.id, Buffer.from(link.secretHash).toString('hex'), link.userId, link.sessionId, link.expiresAt, link.deviceKey ?? null, link.tenantId ?? null])
          .catch((error: unknown) => {
            if (sqlState(error) === '23505') throw new SessionError('INVALID_INPUT', 'A revocation link with this id already exists.', { cause: error });
            throw error;
          }),
      );
    },

    async consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null> {
      ensureOpen();
      const { rows } = await db.run('consumeRevocationLink', (connection) =>
        connection.query(sql.consumeLink, [id, Buffer.from(secretHash).toString('hex'), now]),
      );
      const row = rows[0];
      return row === undefined ? null : toLink(row);
    },

    async stats(now: number): Promise<Readonly<Record<string, KindStats>>> {
      ensureOpen();
      const { rows } = await db.run('stats', (connection) => connection.query(sql.stats, [now]));
      // No prototype: a kind named `__proto__` is a key like any other.
      const counts: Record<string, KindStats> = Object.create(null) as Record<string, KindStats>;
      for (const row of rows) {
        counts[requiredText(row, 'kind')] = {
          live: Number(requiredText(row, 'live')),
          revoked: Number(requiredText(row, 'revoked')),
          expired: Number(requiredText(row, 'expired')),
        };
      }
      return counts;
    },
  };
}
