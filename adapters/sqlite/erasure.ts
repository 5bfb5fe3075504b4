import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';

/**
 * Whether `eraseUser` must also leave the erased rows' bytes unreadable: always on a file the
 * store opened (it turned `secure_delete` on), and on the app's connection whenever the app
 * turned `secure_delete` on itself, `ON` (1) or `FAST` (2) (read, never set: the connection's
 * settings are the app's). FAST asks for it too, but zeroes only the pages that stay in use:
 * a page SQLite frees whole keeps its bytes (https://www.sqlite.org/pragma.html#pragma_secure_delete).
 */
export function scrubsErasedBytes(db: BetterSqlite3.Database, owned: boolean): boolean {
  if (db.memory) return false;
  return owned || db.pragma('secure_delete', { simple: true }) !== 0;
}

/**
 * After an erase has committed: copies the WAL into the database file (where `secure_delete`
 * zeroed the rows) and truncates the WAL, so no earlier copy of the rows stays in it. A reader
 * of another connection still on the old WAL makes it wait up to the busy timeout; if the
 * checkpoint still cannot finish, the rows are deleted but their bytes may remain, so the
 * erase is reported as not done (calling it again completes it).
 */
export function checkpointAfterErase(db: BetterSqlite3.Database): void {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  if (result !== undefined && result.busy !== 0) {
    throw new SessionError(
      'STORE_UNAVAILABLE',
      "The user's SQLite rows are deleted, but another connection kept the WAL busy, so their bytes may still be in it: call eraseUser again.",
    );
  }
}
