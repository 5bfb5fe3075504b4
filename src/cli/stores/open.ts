import { memoryStore } from '../../stores/memory.js';
import { text, type Flag, type FlagValues } from '../command.js';
import { usageError } from '../failure.js';
import { printableLocation, redactFileName, redactLocation } from '../redact.js';
import type { OpenedStore } from './client.js';
import { openMysql } from './mysql.js';
import { openPostgres } from './postgres.js';
import { openRedis } from './redis.js';
import { openSqlite } from './sqlite.js';

type StoreType = 'memory' | 'sqlite' | 'redis' | 'postgres' | 'mysql';

// A store flag; `stores`: the stores that take it (one the chosen store does not take is refused, not ignored).
type StoreFlag = Flag & { readonly stores?: readonly StoreType[] };

/** Flags every store command takes: where the store is, and the store's own options. */
export const STORE_FLAGS: Readonly<Record<string, StoreFlag>> = {
  store: { type: 'string', help: ['--store <where>', 'memory | sqlite:<file> | redis://… | rediss://… | postgres://… | postgresql://… | mysql://… (with a password, better: SESSION_REVOCATION_STORE, kept out of ps and shell history)'] },
  prefix: { type: 'string', stores: ['redis'], help: ['--prefix <prefix>', 'Redis: key prefix (default sr:)'] },
  schema: { type: 'string', stores: ['postgres'], help: ['--schema <name>', 'PostgreSQL: schema (default session_revocation)'] },
  table: { type: 'string', stores: ['postgres'], help: ['--table <name>', 'PostgreSQL: sessions table (default sessions)'] },
  'prepared-statements': { type: 'string', stores: ['postgres'], help: ['--prepared-statements=false', 'PostgreSQL: unnamed statements only, behind a transaction pooler (PgBouncer)'] },
  'table-prefix': { type: 'string', stores: ['sqlite', 'mysql'], help: ['--table-prefix <prefix>', 'SQLite, MySQL: table name prefix (default session_revocation_)'] },
};

const STORE_NAMES: Readonly<Record<StoreType, string>> = { memory: 'memory', sqlite: 'SQLite', redis: 'Redis', postgres: 'PostgreSQL', mysql: 'MySQL' };

const SHAPES = 'memory, sqlite:<file>, redis://…, rediss://…, postgres://…, postgresql://… or mysql://…';

/** Opens the store `--store` (or SESSION_REVOCATION_STORE) names; the caller closes it. `create`: an SQLite file may be created. */
export async function openStore(values: FlagValues, env: NodeJS.ProcessEnv, options: { readonly create: boolean }): Promise<OpenedStore> {
  const prepared = values['prepared-statements'];
  if (prepared !== undefined && prepared !== 'true' && prepared !== 'false') throw usageError('--prepared-statements takes true or false');
  const location = text(values, 'store') ?? env['SESSION_REVOCATION_STORE'];
  if (location === undefined || location === '') throw usageError(`--store is required: ${SHAPES} (or set SESSION_REVOCATION_STORE)`);
  const type = storeType(location);
  for (const [flag, { stores }] of Object.entries(STORE_FLAGS)) {
    if (stores !== undefined && values[flag] !== undefined && !stores.includes(type)) throw usageError(`--${flag} is an option of the ${STORE_NAMES[stores[0]!]} store, not of --store ${STORE_NAMES[type]}`);
  }
  if (type === 'memory') return { store: memoryStore(), migrate: async () => 'The memory store keeps nothing between runs: nothing to migrate.', close: async () => {} };
  const filename = location.slice('sqlite:'.length);
  if (type === 'sqlite') return openSqlite(filename, redactFileName(filename), values, options);
  return { redis: openRedis, postgres: openPostgres, mysql: openMysql }[type](location, redactLocation(location), values);
}

// What `--store` names; anything but the forms of SHAPES is bad usage.
function storeType(value: string): StoreType {
  if (value === 'memory') return 'memory';
  if (value === 'sqlite:') throw usageError('--store sqlite:<file> needs a file name');
  if (value.startsWith('sqlite:')) return 'sqlite';
  const scheme = /^([a-z]+):\/\//.exec(value)?.[1];
  if (scheme === 'redis' || scheme === 'rediss' || scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql') {
    // What does not parse cannot be told apart: where a password ends in it is unknown.
    if (!URL.canParse(value)) throw usageError(`--store ${scheme}://… is not a valid URL (the rest is not printed: it may hold a password)`);
    return scheme === 'mysql' ? 'mysql' : scheme.startsWith('redis') ? 'redis' : 'postgres';
  }
  const printable = printableLocation(value);
  if (printable !== undefined) throw usageError(`--store must be ${SHAPES}, not "${printable}"`);
  const hint = !value.includes('://') && value.includes('=') ? '; write a keyword string (host=… dbname=…) as postgres://user:password@host:port/dbname' : '';
  throw usageError(`--store must be ${SHAPES} (the value given is not printed: it may hold a password)${hint}`);
}
