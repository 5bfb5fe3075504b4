import { postgresStore } from '../../adapters/postgres/index.js';
import type { SessionStore } from '../../src/index.js';
import { dropSchemas, freshSchema, POSTGRES_URL, postgresUp, testPool } from '../support/postgres-database.js';
import { describeCliOnStore } from './scenarios.js';

const up = await postgresUp();

describeCliOnStore('PostgreSQL', up, async () => {
  const schema = freshSchema('cli');
  const pool = testPool({ max: 4 });
  let store: SessionStore | undefined;
  return {
    // A query value that is also a word of the results: the store's secrets are hidden in errors, never in results.
    args: ['--store', `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}application_name=sessions`, '--schema', schema, '--prepared-statements=false'],
    // The sessions table first, then the others (their list is the store's to choose).
    migrated: [
      new RegExp(`^Created the PostgreSQL session tables in schema "${schema}": sessions(, sessions_[a-z_]+)+, and the function sessions_apply that applies a batch\\.\\n$`),
      new RegExp(`^The PostgreSQL session tables in schema "${schema}" \\(sessions(, sessions_[a-z_]+)+\\) were already there; migrations are up to date\\.\\n$`),
    ],
    store: async () => (store ??= postgresStore({ pool, schema, listen: false })),
    async cleanup() {
      await store?.close?.();
      await dropSchemas(pool, [schema]);
      await pool.end();
    },
  };
}, { otherClient: 'postgres' });
