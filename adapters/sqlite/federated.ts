import type BetterSqlite3 from 'better-sqlite3';
import type { FederatedLink, FederatedQuery, FederatedStore } from '../../src/store-capabilities/federated.js';
import type { TableNames } from './schema.js';

// The federated sign-out statements of an SQLite store, on the tables `schema.ts` creates.

interface LinkRow {
  session_id: string;
  user_id: string;
  iss: string;
  sub: string;
  sid: string | null;
  expires_at: number;
}

function statementsFor(db: BetterSqlite3.Database, names: TableNames) {
  const { federatedLinks: links, logoutTokens: tokens } = names;
  const columns = 'session_id, user_id, iss, sub, sid, expires_at';
  return {
    save: db.prepare(`INSERT OR REPLACE INTO ${links} (${columns}) VALUES (?, ?, ?, ?, ?, ?)`),
    bySid: db.prepare<[string, string, number], LinkRow>(`SELECT ${columns} FROM ${links} WHERE iss = ? AND sid = ? AND expires_at > ?`),
    bySub: db.prepare<[string, string, number], LinkRow>(`SELECT ${columns} FROM ${links} WHERE iss = ? AND sub = ? AND expires_at > ?`),
    byUser: db.prepare<[string, number], LinkRow>(`SELECT ${columns} FROM ${links} WHERE user_id = ? AND expires_at > ?`),
    remember: db.prepare(`INSERT OR IGNORE INTO ${tokens} (iss, jti, until) VALUES (?, ?, ?)`),
    forget: db.prepare(`DELETE FROM ${tokens} WHERE iss = ? AND jti = ?`),
    erase: db.prepare(`DELETE FROM ${links} WHERE user_id = ?`),
    pruneLinks: db.prepare(`DELETE FROM ${links} WHERE session_id IN (SELECT session_id FROM ${links} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`),
    pruneTokens: db.prepare(`DELETE FROM ${tokens} WHERE rowid IN (SELECT rowid FROM ${tokens} WHERE until <= ? ORDER BY until LIMIT ?)`),
  };
}

type Statements = ReturnType<typeof statementsFor>;

const toLink = (row: LinkRow): FederatedLink => ({
  sessionId: row.session_id,
  userId: row.user_id,
  iss: row.iss,
  sub: row.sub,
  sid: row.sid ?? undefined,
  expiresAt: row.expires_at,
});

/**
 * The {@link FederatedStore} methods of an SQLite store.
 * @param db - The store's connection.
 * @param names - The store's table names.
 * @param run - The store's runner: opens the schema, maps errors, refuses after close.
 */
export function sqliteFederated(db: BetterSqlite3.Database, names: TableNames, run: <T>(operation: () => T) => Promise<T>): FederatedStore {
  let statements: Statements | undefined;
  const on = <T>(operation: (s: Statements) => T): Promise<T> => run(() => operation((statements ??= statementsFor(db, names))));
  return {
    saveFederatedLink: (link) =>
      on((s) => {
        s.save.run(link.sessionId, link.userId, link.iss, link.sub, link.sid ?? null, link.expiresAt);
      }),
    findFederatedLinks: (query: FederatedQuery, now) =>
      on((s) =>
        (query.by === 'sid' ? s.bySid.all(query.iss, query.sid, now) : query.by === 'sub' ? s.bySub.all(query.iss, query.sub, now) : s.byUser.all(query.userId, now)).map(toLink),
      ),
    // The primary key makes the insert the check: of two writers, one inserts, one is ignored.
    rememberLogoutToken: (iss, jti, until) => on((s) => s.remember.run(iss, jti, until).changes === 1),
    forgetLogoutToken: (iss, jti) =>
      on((s) => {
        s.forget.run(iss, jti);
      }),
    eraseFederatedLinks: (userId) =>
      on((s) => {
        s.erase.run(userId);
      }),
    pruneFederated: (now, limit) =>
      on((s) => {
        const bound = Math.max(0, Math.floor(limit));
        s.pruneTokens.run(now, bound);
        return s.pruneLinks.run(now, bound).changes;
      }),
  };
}
