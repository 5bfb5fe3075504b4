import type { Database } from './connection.js';
import type { TableNames } from './identifiers.js';
import { schemaSql } from './schema.js';

/**
 * Runs the migration script (see `schema.ts`) as one simple query: its own BEGIN, advisory
 * lock and COMMIT make it safe from several instances at once. No deadline: it may wait for
 * another instance's migration, and building an index on a large table takes its time.
 */
export async function migrate(database: Database, names: TableNames): Promise<void> {
  const script = schemaSql(names);
  await database.run(
    'migrate',
    async (connection) => {
      try {
        await connection.query({ text: script });
      } catch (error) {
        // A failed statement leaves the script's transaction open and aborted.
        try {
          await connection.query({ text: 'ROLLBACK' });
        } catch {
          connection.retire();
        }
        throw error;
      }
    },
    null,
  );
}
