/**
 * MySQL and MariaDB storage for session-revocation, on the app's `mysql2/promise` pool (mysql2
 * 3.x, an optional peer dependency: `npm install mysql2`). See {@link mysqlStore}.
 * @module session-revocation/mysql
 */
export { mysqlStore } from './store.js';
export type { MysqlStore } from './store.js';
export type { MysqlStoreOptions } from './options.js';
export type { MysqlField, MysqlPool, MysqlPoolConnection, MysqlStatement, MysqlTypeCast, MysqlValue } from './types.js';
