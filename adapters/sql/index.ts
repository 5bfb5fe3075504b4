/**
 * The SQL the SQLite, PostgreSQL and MySQL stores share: the statements written once, the
 * dialect differences in one table per dialect, and the store built over a driver's glue.
 * @module
 */
export { mysqlDialect, postgresDialect, sqliteDialect, type Dialect, type TableName } from './dialect.js';
export { sqlStatements, TABLE_NAMES, tableStatements, type Names, type Statement, type Statements } from './statements.js';
export { sqlStore, type SqlConnection, type SqlDriver, type SqlStoreCore } from './store.js';
export type { Cell, Row, SqlValue } from './records.js';
