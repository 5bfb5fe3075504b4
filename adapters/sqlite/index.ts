/**
 * SQLite storage through better-sqlite3 (an optional peer dependency): persistent sessions
 * for apps on one machine, shared by every process that opens the same file. See {@link sqliteStore}.
 * @module session-revocation/sqlite
 */
export { sqliteStore } from './store.js';
export type { SqliteDatabaseStoreOptions, SqliteFileStoreOptions, SqliteStoreCommonOptions, SqliteStoreOptions } from './options.js';
