/**
 * MySQL and MariaDB storage for session-revocation, on the app's `mysql2/promise` pool (mysql2
 * 3.x, an optional peer dependency: `npm install mysql2`).
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createSessionManager } from 'session-revocation';
 * import { mysqlStore } from 'session-revocation/mysql';
 *
 * const store = mysqlStore({ pool: mysql.createPool(process.env.DATABASE_URL!) });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 *
 * @module session-revocation/mysql
 */
export { mysqlStore } from './store.js';
export type { MysqlStore } from './store.js';
export type { MysqlStoreOptions } from './options.js';
export type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement, MysqlTypeCast, MysqlValue } from './types.js';
