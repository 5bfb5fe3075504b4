// The SQL the SQLite, PostgreSQL and MySQL stores share, written once over a dialect and a driver's glue.
export { mysqlDialect, postgresDialect, sqliteDialect, type Dialect, type TableName } from './dialect.js';
export { SCHEMA_VERSION, sqlStatements, TABLE_NAMES, tableStatements, type Names, type Statement, type Statements } from './statements.js';
export { poolRunner, type PoolDialect, type PooledConnection, type PoolStatement, type Run } from './pool.js';
export { sqlStore, type SqlConnection, type SqlDriver, type SqlStoreCore } from './store.js';
export type { Cell, Row, SqlValue } from './records.js';
