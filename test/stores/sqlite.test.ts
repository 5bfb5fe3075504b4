import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { SessionStore } from '../../src/store.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { faultySqlite } from '../support/faults.js';
import { tempDatabases } from '../sqlite/temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const filenames = new WeakMap<SessionStore, string>();

/** A store on a fresh file that deletes its file when the suite closes it. */
function fileStore(): SessionStore {
  const filename = files.next();
  const store = sqliteStore({ filename });
  const wrapped: SessionStore = {
    ...store,
    async close() {
      await store.close?.();
      files.remove(filename);
    },
  };
  filenames.set(wrapped, filename);
  return wrapped;
}

// A second app server on the same file: its own connection, so the session cap is tested
// across two connections taking turns for the write lock. The suite closes it before the
// first store removes the file.
const secondConnection = (store: SessionStore): SessionStore => sqliteStore({ filename: filenames.get(store)! });

describeStoreConformance('sqlite (file)', fileStore, { runner: vitestRunner, sibling: secondConnection });
// A private in-memory database has one connection only: no sibling. The app's own connection,
// wrapped so the suite's fault hook can make it fail as the driver does.
const faulty = faultySqlite();
describeStoreConformance('sqlite (:memory:)', () => sqliteStore({ database: faulty.wrap(new Database(':memory:')) }), { runner: vitestRunner, faults: faulty.faults });
