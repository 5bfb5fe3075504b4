import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { isSessionError } from '../../src/index.js';

// better-sqlite3 as if it were not installed: the adapter loads it through createRequire,
// and only when it opens a file itself.
vi.mock('node:module', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:module')>();
  return {
    ...actual,
    createRequire: () => () => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
    },
  };
});

describe('sqlite store: better-sqlite3 missing', () => {
  it('says what to install when asked to open a file', () => {
    let thrown: unknown;
    try {
      sqliteStore({ filename: ':memory:' });
    } catch (error) {
      thrown = error;
    }
    expect(isSessionError(thrown) && thrown.code).toBe('INVALID_CONFIGURATION');
    expect((thrown as Error).message).toMatch(/install better-sqlite3/);
  });

  it('never loads it for a connection the app passes', async () => {
    const database = new Database(':memory:');
    const store = storeOperations(sqliteStore({ database }));
    expect(await store.revokeAll('u', { kinds: ['browser'], at: 7 })).toEqual({ browser: 7 });
    database.close();
  });
});
