import type { SessionError } from '../../src/errors.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE, tableNames } from './names.js';
import { schemaSql } from './schema.js';

/** Options of {@link postgresSchemaSql}: the same names {@link postgresStore} takes. */
export interface PostgresSchemaOptions {
  /** @default "session_revocation" */
  readonly schema?: string;
  /** @default "sessions" */
  readonly table?: string;
}

/**
 * The migration script `migrate()` runs, for teams that apply migrations with their own tool.
 * For the default names it is exactly `schema.sql`, shipped next to this adapter.
 *
 * @param options - Schema and table names, as given to `postgresStore`.
 * @returns The SQL script: one transaction, idempotent, under an advisory lock.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for a name that is not a plain lower-case identifier.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { postgresSchemaSql } from 'session-revocation/postgres';
 * writeFileSync('migrations/0042_sessions.sql', postgresSchemaSql({ schema: 'auth' }));
 * ```
 */
export function postgresSchemaSql(options: PostgresSchemaOptions = {}): string {
  return schemaSql(tableNames(options.schema ?? DEFAULT_SCHEMA, options.table ?? DEFAULT_TABLE));
}
