// The SQL the SQLite, PostgreSQL and MySQL stores share, written once over a dialect and a driver's glue.
export { mysqlDialect, postgresDialect, sqliteDialect } from './dialect.js';
export { SCHEMA_VERSION, TABLE_NAMES, tableStatements, type Names, type Statement } from './statements.js';
export { poolRunner, type PoolDialect, type PooledConnection, type PoolStatement, type Run } from './pool.js';
export { sqlStore, type SqlConnection, type SqlDriver } from './store.js';
export type { Row, SqlValue } from './records.js';
