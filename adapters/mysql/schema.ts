import { SessionError } from '../../src/errors.js';
import { mysqlDialect, SCHEMA_VERSION, tableStatements, type PooledConnection, type Run } from '../sql/index.js';
import type { ApplyProcedure } from './apply-procedure.js';
import type { TableNames } from './options.js';

/** The one migration (the tables, then the batch procedure), without a deadline: MySQL commits each CREATE, so idempotent statements run under a named lock and the version is recorded last. */
export async function migrate(run: Run, t: TableNames, procedure: ApplyProcedure): Promise<void> {
  const versions = `\`${t.prefix}schema\``;
  const lock = "CONCAT('sr:', SHA1(CONCAT(DATABASE(), '.', ?)))";
  const migration = async (connection: PooledConnection): Promise<void> => {
    const { rows } = await connection.run(`SELECT GET_LOCK(${lock}, 600) AS locked`, [t.prefix]);
    if (Number(rows[0]?.['locked']) !== 1) throw new SessionError('STORE_UNAVAILABLE', 'MySQL session store: another instance held the migration lock for 10 minutes.');
    try {
      await connection.run(`CREATE TABLE IF NOT EXISTS ${versions} (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL) ENGINE=InnoDB`);
      const { rows: found } = await connection.run(`SELECT version FROM ${versions} WHERE id = 1`);
      const from = Number(found[0]?.['version'] ?? 0);
      if (from > SCHEMA_VERSION) throw new SessionError('STORE_ERROR', `MySQL session store: the tables (prefix "${t.prefix}") are at schema version ${from}, newer than this release reads (${SCHEMA_VERSION}): upgrade session-revocation.`);
      for (const sql of tableStatements(mysqlDialect, t)) await connection.run(sql);
      // Its name holds a hash of its text: one already there is this very procedure.
      const { rows: routines } = await connection.run('SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = ?', [procedure.name]);
      if (routines.length === 0) await connection.run(procedure.create);
      await connection.run(`INSERT IGNORE INTO ${versions} (id, version) VALUES (1, ?)`, [SCHEMA_VERSION]);
    } finally {
      await connection.run(`SELECT RELEASE_LOCK(${lock}) AS released`, [t.prefix]);
    }
  };
  await run('migrate', migration, null);
}
