import { afterAll } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { SessionStore } from '../../src/store.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { tempDatabases } from '../sqlite/temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

/** A store on a fresh file that deletes its file when the suite closes it. */
function fileStore(): SessionStore {
  const filename = files.next();
  const store = sqliteStore({ filename });
  return {
    ...store,
    async close() {
      await store.close?.();
      files.remove(filename);
    },
  };
}

describeStoreConformance('sqlite (file)', fileStore, { runner: vitestRunner });
describeStoreConformance('sqlite (:memory:)', () => sqliteStore({ filename: ':memory:' }), { runner: vitestRunner });
