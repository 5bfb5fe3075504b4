import type BetterSqlite3 from 'better-sqlite3';
import { SessionError } from '../../src/errors.js';

/** Whether an erase must also scrub the WAL: on a database the store opened (a checkpoint of `:memory:` does nothing), or when the app turned `secure_delete` on (`ON` or `FAST`). */
export function scrubsErasedBytes(db: BetterSqlite3.Database, owned: boolean): boolean {
  return owned || db.pragma('secure_delete', { simple: true }) !== 0;
}

/**
 * After an erase has committed: copies the WAL into the file (where `secure_delete` zeroed the rows)
 * and truncates it. A checkpoint other connections keep busy leaves the bytes, so the erase fails.
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
