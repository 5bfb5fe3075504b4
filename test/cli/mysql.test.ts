import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import type { SessionStore } from '../../src/index.js';
import { dropPrefixes, freshPrefix, MYSQL_URL, mysqlUp, testMysqlPool } from '../support/mysql-database.js';
import { barePackage, cli } from './bin.js';
import { describeCliOnStore } from './scenarios.js';

const up = await mysqlUp();

describeCliOnStore('MySQL', up, async () => {
  const prefix = freshPrefix('cli');
  const pool = testMysqlPool({ connectionLimit: 4 });
  // The sessions table first, then the others of the prefix (their list is the store's to choose).
  const tables = `${prefix}sessions(, ${prefix}[a-z_]+)+`;
  let store: SessionStore | undefined;
  return {
    args: ['--store', MYSQL_URL, '--table-prefix', prefix],
    migrated: [
      new RegExp(`^Created the MySQL session tables: ${tables}, and the procedure ${prefix}apply_[0-9a-f]{8} that applies a batch\\.\\n$`),
      new RegExp(`^The MySQL session tables \\(${tables}\\) were already there; migrations are up to date, the procedure ${prefix}apply_[0-9a-f]{8} that applies a batch included\\.\\n$`),
    ],
    store: async () => (store ??= mysqlStore({ pool, prefix })),
    async cleanup() {
      await store?.close?.();
      await dropPrefixes(pool, [prefix]);
      await pool.end();
    },
  };
});

describe('session-revocation CLI on a MySQL it cannot use', () => {
  it('a server that is down: exit 1, one line naming it without its password', async () => {
    const run = await cli(['migrate', '--store', 'mysql://root:hunter2@127.0.0.1:1/test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^session-revocation: cannot connect to MySQL at mysql:\/\/root@127\.0\.0\.1:1\/test \(.*ECONNREFUSED.*\)\n$/);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('without mysql2 installed, it says which package to install (exit 1)', async () => {
    const bare = barePackage();
    try {
      const run = await cli(['migrate', '--store', MYSQL_URL], { bin: bare.bin });
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^session-revocation: the MySQL store needs a client: npm install mysql2\n$/);
    } finally {
      bare.remove();
    }
  });

  it('a prefix the store refuses is bad usage (exit 2), in the store\'s words', async () => {
    const run = await cli(['list', 'u1', '--store', MYSQL_URL, '--table-prefix', 'No-Dashes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/prefix must be 0-48 characters of a-z, 0-9 and _/);
  });
});
