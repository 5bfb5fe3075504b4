import { DEFAULT_SCHEMA, DEFAULT_TABLE } from '../../../adapters/postgres/names.js';
import { TABLE_NAMES } from '../../../adapters/sql/index.js';
import type { PostgresClient } from '../../../adapters/postgres/options.js';
import { postgresStore } from '../../../adapters/postgres/store.js';
import { text, type FlagValues } from '../command.js';
import { CliError } from '../failure.js';
import { CONNECT_TIMEOUT, firstContact, optionalImport, storeOptions, type OpenedStore } from './client.js';

// `scalar`: one value of a one-row query, for `migrate`'s look before it writes.
type Connected = { readonly pool: PostgresClient; readonly scalar: (text: string, values: unknown[]) => Promise<unknown>; readonly close: () => Promise<void> };

/** PostgreSQL through a `pg` pool when installed, else postgres.js; two connections at most. */
export async function openPostgres(url: string, label: string, values: FlagValues): Promise<OpenedStore> {
  const schema = text(values, 'schema') ?? DEFAULT_SCHEMA;
  const table = text(values, 'table') ?? DEFAULT_TABLE;
  const prepared = text(values, 'prepared-statements');
  const connected = (await connectPg(url, label)) ?? (await connectPostgresJs(url, label));
  if (connected === undefined) throw new CliError('the PostgreSQL store needs a client: npm install pg (or npm install postgres)');
  // The CLI needs no notices from other instances: nothing to LISTEN for.
  const options = { pool: connected.pool, schema, table, listen: false, ...(prepared === undefined ? {} : { preparedStatements: prepared === 'true' }) };
  const store = await storeOptions(() => postgresStore(options), connected.close);
  return {
    store,
    async migrate() {
      const existed = (await connected.scalar('SELECT to_regclass($1) IS NOT NULL AS present', [`${schema}.${table}`])) === true;
      await store.migrate();
      const tables = TABLE_NAMES.map((name) => (name === 'sessions' ? table : `${table}_${name}`)).join(', ');
      return existed
        ? `The PostgreSQL session tables in schema "${schema}" (${tables}) were already there; migrations are up to date.`
        : `Created the PostgreSQL session tables in schema "${schema}": ${tables}, and the function ${table}_apply that applies a batch.`;
    },
    close: connected.close,
  };
}

async function connectPg(url: string, label: string): Promise<Connected | undefined> {
  const module = await optionalImport('pg', () => import('pg'));
  if (module === undefined) return undefined;
  const pool = new module.default.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT });
  pool.on('error', () => {});
  const close = (): Promise<void> => pool.end().catch(() => {});
  await firstContact('PostgreSQL', label, () => pool.query('SELECT 1'), close);
  return { pool, scalar: async (text, values) => Object.values((await pool.query(text, values)).rows[0] ?? {})[0], close };
}

async function connectPostgresJs(url: string, label: string): Promise<Connected | undefined> {
  const module = await optionalImport('postgres', () => import('postgres'));
  if (module === undefined) return undefined;
  // postgres.js prints the server's notices by default ("schema exists, skipping").
  const sql = module.default(url, { max: 2, connect_timeout: CONNECT_TIMEOUT / 1_000, onnotice: () => {} });
  const close = (): Promise<void> => sql.end({ timeout: 5 }).catch(() => {});
  await firstContact('PostgreSQL', label, () => sql.unsafe('SELECT 1'), close);
  return { pool: sql as unknown as PostgresClient, scalar: async (text, values) => Object.values((await sql.unsafe(text, values as never[]))[0] ?? {})[0], close };
}
