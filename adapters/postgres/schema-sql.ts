import { applyFunctionSql } from './apply-function.js';
import { postgresDialect, SCHEMA_VERSION, tableStatements } from '../sql/index.js';
import { advisoryLockKey, DEFAULT_SCHEMA, DEFAULT_TABLE, quoteIdentifier, tableNames, type TableNames } from './names.js';

/** The migration script `migrate()` sends as one simple query (so through a pooler too); `schema.sql` for the default names. */
export function schemaSql(names: TableNames): string {
  const { schema, sessions } = names;
  const table = names.table('sessions');
  return `-- session-revocation: PostgreSQL tables for schema "${schema}", table "${sessions}" (schema version ${SCHEMA_VERSION}).
-- What postgresStore({ pool, schema: '${schema}', table: '${sessions}' }).migrate() runs: psql -v ON_ERROR_STOP=1 -f schema.sql,
-- or postgresSchemaSql({ schema, table }) for other names. Idempotent, under an advisory lock. Times are ms (bigint).
BEGIN;
SELECT pg_advisory_xact_lock(${advisoryLockKey('migrate')});
CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)};
-- Tables a later release migrated are refused, not misread.
DO $check$ DECLARE found integer := substring(obj_description(to_regclass('${table}'), 'pg_class') FROM 'schema version ([0-9]+)')::integer; BEGIN
  IF found > ${SCHEMA_VERSION} THEN
    RAISE EXCEPTION 'the tables ${table} are at schema version %, newer than this version of session-revocation reads (${SCHEMA_VERSION}): upgrade session-revocation', found;
  END IF;
END $check$;
${tableStatements(postgresDialect, names).join(';\n')};
${applyFunctionSql(names)};
COMMENT ON TABLE ${table} IS 'session-revocation sessions (schema version ${SCHEMA_VERSION})';
COMMIT;
`;
}

/** Options of {@link postgresSchemaSql}: the same names {@link postgresStore} takes. */
export interface PostgresSchemaOptions {
  /** @default "session_revocation" */
  readonly schema?: string;
  /** @default "sessions" */
  readonly table?: string;
}

/**
 * The migration script `migrate()` runs, for teams applying migrations with their own tool; for the
 * default names it is `schema.sql`, shipped next to this adapter.
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
