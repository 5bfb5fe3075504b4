import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { SessionStore } from '../../src/index.js';
import { tempDatabases } from '../sqlite/temp.js';
import { describeCliOnStore } from './scenarios.js';

const files = tempDatabases();

describeCliOnStore('SQLite', true, async () => {
  const filename = files.next();
  let store: SessionStore | undefined;
  return {
    args: ['--store', `sqlite:${filename}`, '--table-prefix', 'cli_'],
    migrated: [/^Created the SQLite session tables \(prefix "cli_"\) in .+\.\n$/, /^The SQLite session tables \(prefix "cli_"\) in .+ were already there; they are up to date\.\n$/],
    store: async () => (store ??= sqliteStore({ filename, tablePrefix: 'cli_' })),
    async cleanup() {
      await store?.close?.();
      files.removeAll();
    },
  };
});
