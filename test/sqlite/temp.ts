import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Temporary database files for one test file: each in its own directory, all removed by `removeAll`. */
export function tempDatabases(): { readonly next: (name?: string) => string; readonly remove: (filename: string) => void; readonly removeAll: () => void } {
  const directories = new Set<string>();
  return {
    next(name = 'sessions.db') {
      const directory = mkdtempSync(join(tmpdir(), 'session-revocation-sqlite-'));
      directories.add(directory);
      return join(directory, name);
    },
    // The -wal and -shm files live next to the database, so the whole directory goes.
    remove(filename) {
      const directory = dirname(filename);
      rmSync(directory, { recursive: true, force: true });
      directories.delete(directory);
    },
    removeAll() {
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
      directories.clear();
    },
  };
}
