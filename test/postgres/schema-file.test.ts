import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSchemaSql } from '../../adapters/postgres/index.js';
import { tableNames } from '../../adapters/postgres/names.js';
import { postgresDialect, sqlStatements } from '../../adapters/sql/index.js';

const schemaFile = new URL('../../adapters/postgres/schema.sql', import.meta.url);
const script = new URL('../../scripts/schema-sql.mjs', import.meta.url);

describe('postgres schema.sql', () => {
  const scratch = mkdtemp(join(tmpdir(), 'schema-sql-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  // The shipped file is generated: after changing the schema, run `npm run schema-sql`.
  it('is exactly the script migrate() runs for the default schema and table', async () => {
    const shipped = await readFile(schemaFile, 'utf8');
    expect(shipped, 'adapters/postgres/schema.sql differs from the code: run `npm run schema-sql`').toBe(postgresSchemaSql());
    expect(shipped).toBe(postgresSchemaSql({ schema: 'session_revocation', table: 'sessions' }));
  });

  it('is what `npm run schema-sql` writes', async () => {
    const written = join(await scratch, 'schema.sql');
    await promisify(execFile)(process.execPath, [script.pathname, written], { timeout: 30_000 });
    expect(await readFile(written, 'utf8')).toBe(postgresSchemaSql());
  });

  it('records schema version 1 and holds one migration: no upgrade steps', () => {
    const sql = postgresSchemaSql();
    expect(sql).toContain("IS 'session-revocation sessions (schema version 1)'");
    expect(sql).not.toMatch(/ALTER TABLE|ADD COLUMN|\$upgrade\$/);
  });

  it('holds one function, the batch applier, and each write it knows is the shared SQL layer\'s statement', () => {
    const sql = postgresSchemaSql();
    expect(sql.match(/FUNCTION/g)).toEqual(['FUNCTION']);
    const statements: Record<string, { text: string }> = sqlStatements(postgresDialect, tableNames('session_revocation', 'sessions'));
    const arms = [...sql.matchAll(/WHEN '(\w+)' THEN (.*);$/gm)].map(([, name, body]) => [name!, body!] as const);
    expect(arms.map(([name]) => name)).toEqual(['insert', 'revoke', 'epoch', 'highWater', 'deny', 'device', 'activity', 'putKey', 'deleteKey', 'userSessions', 'eraseDenied', 'eraseDevices', 'eraseActivity', 'eraseKeys']);
    for (const [name, body] of arms) {
      // A step's values are read from its JSON: `(w->>3)::bigint` stands where `$3` does.
      const statement = body.replace(/\(w->>(\d+)\)(::bigint)?/g, '$$$1').replace(/ LOOP .*/, '');
      expect(statement.replace(/^FOR r IN /, ''), name).toBe(statements[name]!.text);
    }
  });

  it('writes other names into every statement', () => {
    const sql = postgresSchemaSql({ schema: 'auth', table: 'logins' });
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."logins" (');
    expect(sql).toContain('"auth"."logins_epochs"');
    expect(sql).toContain('"auth"."logins_denied"');
    expect(sql).not.toContain('session_revocation"');
  });

  it('refuses names that are not plain lower-case identifiers', () => {
    for (const schema of ['Auth', 'a-b', 'x"; DROP TABLE users; --', '1abc', '', 'pg_catalog', 'a'.repeat(64)]) {
      expect(() => postgresSchemaSql({ schema })).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    }
    expect(() => postgresSchemaSql({ table: 't'.repeat(41) })).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    expect(() => postgresSchemaSql({ schema: 's'.repeat(40), table: 't'.repeat(30) })).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION' }),
    );
  });
});
