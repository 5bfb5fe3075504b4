/**
 * PostgreSQL storage for session-revocation, on the app's node-postgres (`pg` 8) pool or
 * postgres.js (`postgres` 3.4) client, directly or through PgBouncer. See {@link postgresStore}.
 * @module session-revocation/postgres
 */
export { postgresStore, type PostgresStore } from './store.js';
export { postgresSchemaSql, type PostgresSchemaOptions } from './schema-sql.js';
export type { PostgresClient, PostgresListenOptions, PostgresStoreOptions } from './options.js';
export type * from './types.js';
