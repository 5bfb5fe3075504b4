import type { FederatedLink, FederatedStore } from '../../src/store-capabilities/federated.js';
import type { Connection, Literal, Row, Run } from './connection.js';
import type { TableNames } from './options.js';
import { pruneBatch } from './queries.js';
import { millis, optionalText, text, utf8 } from './rows.js';

// Where sessions came from at an identity provider, and the logout tokens already accepted:
// two tables beside the session rows. Rare calls, each one statement.

const COLUMNS = 'session_id, user_id, iss, sub, sid, expires_at';

const toLink = (row: Row): FederatedLink => ({
  sessionId: text(row, 'session_id'),
  userId: text(row, 'user_id'),
  iss: text(row, 'iss'),
  sub: text(row, 'sub'),
  sid: optionalText(row, 'sid'),
  expiresAt: millis(row, 'expires_at'),
});

/**
 * The {@link FederatedStore} methods of a MySQL store.
 * @param t - The store's table names.
 * @param run - The store's runner: a pooled connection, the deadline, error mapping, `CLOSED` after close.
 */
export function mysqlFederated(t: TableNames, run: Run): FederatedStore {
  const find = (where: string): string => `SELECT ${COLUMNS} FROM ${t.federatedLinks} WHERE ${where} AND expires_at > ?`;
  return {
    // Saving a session's link again replaces it.
    saveFederatedLink: (link) =>
      run('saveFederatedLink', async (connection) => {
        const values: Literal[] = [utf8(link.userId), utf8(link.iss), utf8(link.sub), utf8(link.sid), link.expiresAt];
        await connection.write(
          `INSERT INTO ${t.federatedLinks} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE user_id = ?, iss = ?, sub = ?, sid = ?, expires_at = ?`,
          [utf8(link.sessionId), ...values, ...values],
        );
      }),
    findFederatedLinks: (query, now) =>
      run('findFederatedLinks', async (connection) => {
        const rows =
          query.by === 'sid'
            ? await connection.rows(find('iss = ? AND sid = ?'), [utf8(query.iss), utf8(query.sid), now])
            : query.by === 'sub'
              ? await connection.rows(find('iss = ? AND sub = ?'), [utf8(query.iss), utf8(query.sub), now])
              : await connection.rows(find('user_id = ?'), [utf8(query.userId), now]);
        return rows.map(toLink);
      }),
    // The primary key makes the insert the check: of two instances, one inserts, one is ignored.
    rememberLogoutToken: (iss, jti, until) =>
      run('rememberLogoutToken', async (connection) => (await connection.write(`INSERT IGNORE INTO ${t.logoutTokens} (iss, jti, until) VALUES (?, ?, ?)`, [utf8(iss), utf8(jti), until])) === 1),
    forgetLogoutToken: (iss, jti) =>
      run('forgetLogoutToken', async (connection) => {
        await connection.write(`DELETE FROM ${t.logoutTokens} WHERE iss = ? AND jti = ?`, [utf8(iss), utf8(jti)]);
      }),
    eraseFederatedLinks: (userId) =>
      run('eraseFederatedLinks', async (connection) => {
        await connection.write(`DELETE FROM ${t.federatedLinks} WHERE user_id = ?`, [utf8(userId)]);
      }),
    pruneFederated: (now, limit) =>
      run('pruneFederated', async (connection) => {
        const bound = Math.max(0, Math.floor(limit));
        await pruneBatch(connection, t.logoutTokens, 'until', now, bound);
        return pruneBatch(connection, t.federatedLinks, 'expires_at', now, bound);
      }),
  };
}
