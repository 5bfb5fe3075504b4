import { SessionError } from '../../src/errors.js';
import type { FederatedLink, FederatedQuery, FederatedStore } from '../../src/store-capabilities/federated.js';
import type { Database, TextRow } from './connection.js';
import { quoteIdentifier, type TableNames } from './identifiers.js';
import { toMillis } from './rows.js';

// The federated sign-out tables of a PostgreSQL store: links beside the session rows, and the
// logout tokens already accepted. Rare calls, so plain unnamed statements.

function federatedNames(names: TableNames) {
  const qualified = (name: string): string => `${quoteIdentifier(names.schema)}.${quoteIdentifier(name)}`;
  return {
    links: qualified(`${names.table}_federated`),
    tokens: qualified(`${names.table}_logout_tokens`),
    index: (suffix: string): string => quoteIdentifier(`${names.table}_${suffix}`),
  };
}

/** The migration statements of the federated tables, part of `migrate()`'s script. */
export function federatedSchemaSql(names: TableNames): string {
  const { links, tokens, index } = federatedNames(names);
  return `-- Where a session came from at an identity provider (OpenID Connect
-- back-channel logout): found by the provider's session (iss, sid), by the user there (iss, sub),
-- and by the local user (list, export, erase). Pruned after the session's expiry.
CREATE TABLE IF NOT EXISTS ${links} (
  session_id text   PRIMARY KEY,
  user_id    text   NOT NULL,
  iss        text   NOT NULL,
  sub        text   NOT NULL,
  sid        text,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index('federated_sid_idx')} ON ${links} (iss, sid) WHERE sid IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${index('federated_sub_idx')} ON ${links} (iss, sub);
CREATE INDEX IF NOT EXISTS ${index('federated_user_idx')} ON ${links} (user_id);
CREATE INDEX IF NOT EXISTS ${index('federated_expires_idx')} ON ${links} (expires_at);

-- Logout tokens already accepted (issuer, token id), kept until their window
-- ends: the primary key makes a replay from any instance a conflict.
CREATE TABLE IF NOT EXISTS ${tokens} (
  iss   text   NOT NULL,
  jti   text   NOT NULL,
  until bigint NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX IF NOT EXISTS ${index('logout_tokens_until_idx')} ON ${tokens} (until);

SELECT session_id, user_id, iss, sub, sid, expires_at FROM ${links} LIMIT 0;
SELECT iss, jti, until FROM ${tokens} LIMIT 0;
`;
}

function toLink(row: TextRow): FederatedLink {
  const text = (column: string): string => {
    const value = row[column];
    if (typeof value !== 'string') throw new SessionError('STORE_ERROR', `The federated link row has no ${column}.`);
    return value;
  };
  return {
    sessionId: text('session_id'),
    userId: text('user_id'),
    iss: text('iss'),
    sub: text('sub'),
    sid: row['sid'] ?? undefined,
    expiresAt: toMillis(text('expires_at')),
  };
}

/**
 * The {@link FederatedStore} methods of a PostgreSQL store.
 * @param db - The store's database (pool, deadlines, error mapping).
 * @param names - The store's table names.
 * @param ensureOpen - Throws `CLOSED` once the store was closed.
 */
export function postgresFederated(db: Database, names: TableNames, ensureOpen: () => void): FederatedStore {
  const { links, tokens } = federatedNames(names);
  const columns = 'session_id, user_id, iss, sub, sid, expires_at::text AS expires_at';
  const save = {
    text: `INSERT INTO ${links} (session_id, user_id, iss, sub, sid, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (session_id) DO UPDATE SET user_id = EXCLUDED.user_id, iss = EXCLUDED.iss, sub = EXCLUDED.sub, sid = EXCLUDED.sid, expires_at = EXCLUDED.expires_at`,
  };
  const bySid = { text: `SELECT ${columns} FROM ${links} WHERE iss = $1 AND sid = $2 AND expires_at > $3` };
  const bySub = { text: `SELECT ${columns} FROM ${links} WHERE iss = $1 AND sub = $2 AND expires_at > $3` };
  const byUser = { text: `SELECT ${columns} FROM ${links} WHERE user_id = $1 AND expires_at > $2` };
  const remember = { text: `INSERT INTO ${tokens} (iss, jti, until) VALUES ($1, $2, $3) ON CONFLICT (iss, jti) DO NOTHING` };
  const forget = { text: `DELETE FROM ${tokens} WHERE iss = $1 AND jti = $2` };
  const erase = { text: `DELETE FROM ${links} WHERE user_id = $1` };
  const pruneTokens = { text: `DELETE FROM ${tokens} WHERE ctid IN (SELECT ctid FROM ${tokens} WHERE until <= $1 ORDER BY until LIMIT $2)` };
  const pruneLinks = { text: `DELETE FROM ${links} WHERE session_id IN (SELECT session_id FROM ${links} WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)` };

  return {
    async saveFederatedLink(link: FederatedLink): Promise<void> {
      ensureOpen();
      await db.run('saveFederatedLink', (connection) =>
        connection.query(save, [link.sessionId, link.userId, link.iss, link.sub, link.sid ?? null, link.expiresAt]),
      );
    },
    async findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]> {
      ensureOpen();
      const { rows } = await db.run('findFederatedLinks', (connection) =>
        query.by === 'sid'
          ? connection.query(bySid, [query.iss, query.sid, now])
          : query.by === 'sub'
            ? connection.query(bySub, [query.iss, query.sub, now])
            : connection.query(byUser, [query.userId, now]),
      );
      return rows.map(toLink);
    },
    async rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean> {
      ensureOpen();
      const { rowCount } = await db.run('rememberLogoutToken', (connection) => connection.query(remember, [iss, jti, until]));
      return rowCount === 1;
    },
    async forgetLogoutToken(iss: string, jti: string): Promise<void> {
      ensureOpen();
      await db.run('forgetLogoutToken', (connection) => connection.query(forget, [iss, jti]));
    },
    async eraseFederatedLinks(userId: string): Promise<void> {
      ensureOpen();
      await db.run('eraseFederatedLinks', (connection) => connection.query(erase, [userId]));
    },
    async pruneFederated(now: number, limit: number): Promise<number> {
      ensureOpen();
      const bound = Math.max(0, Math.floor(limit));
      return db.run('pruneFederated', async (connection) => {
        await connection.query(pruneTokens, [now, bound]);
        return (await connection.query(pruneLinks, [now, bound])).rowCount;
      });
    },
  };
}
