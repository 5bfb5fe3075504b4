import { applyProcedure } from '../../../adapters/mysql/apply-procedure.js';
import { DEFAULT_PREFIX, tableNames } from '../../../adapters/mysql/options.js';
import { TABLE_NAMES } from '../../../adapters/sql/index.js';
import { mysqlStore } from '../../../adapters/mysql/store.js';
import type { MysqlPool } from '../../../adapters/mysql/types.js';
import { text, type FlagValues } from '../command.js';
import { CliError } from '../failure.js';
import { CONNECT_TIMEOUT, firstContact, optionalImport, storeOptions, type OpenedStore } from './client.js';

/** MySQL or MariaDB through a mysql2 promise pool of two connections; tables named by `--table-prefix`. */
export async function openMysql(url: string, label: string, values: FlagValues): Promise<OpenedStore> {
  const module = await optionalImport('mysql2', () => import('mysql2/promise'));
  if (module === undefined) throw new CliError('the MySQL store needs a client: npm install mysql2');
  const pool = module.default.createPool({ uri: url, connectionLimit: 2, connectTimeout: CONNECT_TIMEOUT });
  const close = (): Promise<void> => pool.end().catch(() => {});
  await firstContact('MySQL', label, () => pool.query('SELECT 1'), close);
  const prefix = text(values, 'table-prefix') ?? DEFAULT_PREFIX;
  const store = await storeOptions(() => mysqlStore({ pool: pool as unknown as MysqlPool, prefix }), close);
  return {
    store,
    async migrate() {
      const [rows] = await pool.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [`${prefix}sessions`]);
      const existed = Number((rows as Array<{ n: unknown }>)[0]?.n) > 0;
      await store.migrate();
      const tables = [...TABLE_NAMES, 'schema'].map((name) => `${prefix}${name}`).join(', ');
      const procedure = `the procedure ${applyProcedure(tableNames(prefix)).name} that applies a batch`;
      return existed ? `The MySQL session tables (${tables}) were already there; migrations are up to date, ${procedure} included.` : `Created the MySQL session tables: ${tables}, and ${procedure}.`;
    },
    close,
  };
}
