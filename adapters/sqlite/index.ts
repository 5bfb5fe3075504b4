/**
 * SQLite storage through better-sqlite3 (an optional peer dependency): persistent sessions
 * for apps on one machine, shared by every process that opens the same file.
 *
 * @example
 * ```ts
 * import { createSessionManager } from 'session-revocation';
 * import { sqliteStore } from 'session-revocation/sqlite';
 *
 * const sessions = createSessionManager({ store: sqliteStore({ filename: 'sessions.db' }) });
 * ```
 *
 * @module session-revocation/sqlite
 */
export { sqliteStore } from './store.js';
export type { SqliteDatabaseStoreOptions, SqliteFileStoreOptions, SqliteStoreCommonOptions, SqliteStoreOptions } from './options.js';
