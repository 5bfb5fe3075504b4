import { usageError } from '../failure.js';
import { redactFileName, redactLocation } from '../redact.js';
import type { StoreSpec } from '../store-spec.js';
import { openMemory } from './memory.js';
import { openMysql } from './mysql.js';
import { openPostgres } from './postgres.js';
import { openRedis } from './redis.js';
import { openSqlite } from './sqlite.js';
import type { OpenedStore, StoreFlags } from './types.js';

// Which store each flag belongs to: a flag the chosen store does not take is refused, not ignored.
const FLAG_OWNERS: ReadonlyArray<readonly [keyof StoreFlags, string, StoreSpec['type'], StoreSpec['type']?]> = [
  ['prefix', '--prefix', 'redis'],
  ['schema', '--schema', 'postgres'],
  ['table', '--table', 'postgres'],
  ['preparedStatements', '--prepared-statements', 'postgres'],
  ['tablePrefix', '--table-prefix', 'sqlite', 'mysql'],
];

const STORE_NAMES: Readonly<Record<StoreSpec['type'], string>> = { memory: 'memory', sqlite: 'SQLite', redis: 'Redis', postgres: 'PostgreSQL', mysql: 'MySQL' };

/** Opens the store `--store` names; the caller closes it. `create`: an SQLite file may be created. */
export async function openStore(spec: StoreSpec, flags: StoreFlags, options: { readonly create: boolean }): Promise<OpenedStore> {
  for (const [key, flag, owner, alsoOwner] of FLAG_OWNERS) {
    if (flags[key] !== undefined && owner !== spec.type && alsoOwner !== spec.type) {
      throw usageError(`${flag} is an option of the ${STORE_NAMES[owner]} store, not of --store ${spec.type === 'memory' ? 'memory' : STORE_NAMES[spec.type]}`);
    }
  }
  switch (spec.type) {
    case 'memory':
      return openMemory();
    case 'sqlite':
      return openSqlite(spec.filename, redactFileName(spec.filename), flags, options);
    case 'redis':
      return openRedis(spec.url, redactLocation(spec.url), flags);
    case 'postgres':
      return openPostgres(spec.url, redactLocation(spec.url), flags);
    case 'mysql':
      return openMysql(spec.url, redactLocation(spec.url), flags);
  }
}
