import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

/** A reset link is good for 30 minutes and for one use. */
const LIFETIME = 30 * 60 * 1000;

export interface ResetLinks {
  /** A new single-use token for the user, ending the user's earlier ones; only its hash is stored. */
  issue(userId: string): string;
  /** The user a live token belongs to, without using it up (for showing the form). */
  peek(token: string): string | undefined;
  /** Uses the token up; the user it belonged to, or `undefined` when it is unknown, used or expired. */
  consume(token: string): string | undefined;
  /** Ends every link of the user: a new password or email makes links sent before it worthless. */
  forgetUser(userId: string): void;
}

interface LinkRow {
  user_id: string;
  expires_at: number;
  used_at: number | null;
}

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function createResetLinks(db: Database.Database, clock: () => number = Date.now): ResetLinks {
  const insert = db.prepare<[string, string, number]>('INSERT INTO demo_reset_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)');
  const find = db.prepare<[string], LinkRow>('SELECT user_id, expires_at, used_at FROM demo_reset_links WHERE token_hash = ?');
  // The WHERE clause makes the use atomic: two tabs submitting the same link cannot both win.
  const use = db.prepare<[number, string, number]>('UPDATE demo_reset_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?');
  const forget = db.prepare<[number]>('DELETE FROM demo_reset_links WHERE expires_at <= ?');
  const forgetUser = db.prepare<[string]>('DELETE FROM demo_reset_links WHERE user_id = ?');

  const live = (token: string): LinkRow | undefined => {
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return undefined;
    const row = find.get(hashOf(token));
    return row !== undefined && row.used_at === null && row.expires_at > clock() ? row : undefined;
  };

  // One live link per account: the form posted in a loop keeps one row, not one per request.
  const replace = db.transaction((userId: string, tokenHash: string, expiresAt: number) => {
    forgetUser.run(userId);
    insert.run(tokenHash, userId, expiresAt);
  });

  return {
    issue(userId) {
      const token = randomBytes(32).toString('base64url');
      const now = clock();
      forget.run(now);
      replace(userId, hashOf(token), now + LIFETIME);
      return token;
    },
    peek: (token) => live(token)?.user_id,
    consume(token) {
      const row = live(token);
      if (row === undefined) return undefined;
      return use.run(clock(), hashOf(token), clock()).changes === 1 ? row.user_id : undefined;
    },
    forgetUser: (userId) => void forgetUser.run(userId),
  };
}
