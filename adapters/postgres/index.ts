/**
 * PostgreSQL storage for session-revocation, on the app's node-postgres (`pg` 8) pool or
 * postgres.js (`postgres` 3.4) client, directly or through PgBouncer (`preparedStatements: false`).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSessionManager } from 'session-revocation';
 * import { postgresStore } from 'session-revocation/postgres';
 *
 * const store = postgresStore({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await store.migrate();
 * const sessions = createSessionManager({ store });
 * ```
 *
 * @module session-revocation/postgres
 */
export { postgresStore, type PostgresStore } from './store.js';
export { postgresSchemaSql, type PostgresSchemaOptions } from './schema-sql.js';
export type { PostgresClient, PostgresListenOptions, PostgresStoreOptions } from './options.js';
export type * from './types.js';
