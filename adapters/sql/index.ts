// The SQL the SQLite, PostgreSQL and MySQL stores share, written once over a dialect and a driver's glue.
export { mysqlDialect, postgresDialect, sqliteDialect } from './dialect.js';
export { SCHEMA_VERSION, sqlStatements, TABLE_NAMES, tableStatements, type Names, type Statement } from './statements.js';
export { poolRunner, type PoolDialect, type PooledConnection, type PoolStatement, type Run } from './pool.js';
export { CLAIM_PLACEHOLDER, sqlStore, type SqlCheck, type SqlConnection, type SqlDriver, type SqlStep } from './store.js';
export { num, type Row, type SqlValue } from './records.js';
export { bindStatement, routineApplied, routineWait, STEP_TYPES, versionCheckSql, type RoutineSyntax } from './routine.js';
