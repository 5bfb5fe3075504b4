import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore, type SqliteStoreOptions } from '../../adapters/sqlite/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { SessionError } from '../../src/index.js';
import type { NewSessionRecord } from '../../src/storage/index.js';
import { mintToken } from '../../src/token.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const record = (userId: string, overrides: Partial<NewSessionRecord> = {}): NewSessionRecord => {
  const { id, secretHash } = mintToken();
  const createdAt = Date.now();
  return { id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge: 3_600_000, ...overrides };
};

const configurationError = (options: unknown): void => {
  let thrown: unknown;
  try {
    sqliteStore(options as SqliteStoreOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SessionError);
  expect((thrown as SessionError).code).toBe('INVALID_CONFIGURATION');
};

describe('sqlite store: options', () => {
  it('needs exactly one of filename and database', () => {
    configurationError({});
    configurationError(null);
    configurationError({ filename: ':memory:', database: new Database(':memory:') });
    configurationError({ filename: 42 });
    configurationError({ database: {} });
  });

  it('refuses a table prefix that is not a plain identifier and a busy timeout that is not a whole number', () => {
    // Upper case too: SQLite's names ignore it, so `Auth_` would share the tables of `auth_`.
    for (const tablePrefix of ['', '1abc', 'a-b', 'x"; DROP TABLE y; --', 'a'.repeat(49), 'Auth_']) configurationError({ filename: ':memory:', tablePrefix });
    for (const busyTimeout of [-1, 1.5, Number.NaN, '5']) configurationError({ filename: ':memory:', busyTimeout });
  });

  it('reports a file that cannot be opened as a configuration error', () => {
    configurationError({ filename: `${files.next()}-missing/dir/sessions.db` });
  });

  it('keeps stores with different prefixes apart in one database', async () => {
    const database = new Database(':memory:');
    const one = storeOperations(sqliteStore({ database, tablePrefix: 'one_' }));
    const two = storeOperations(sqliteStore({ database, tablePrefix: 'two_' }));
    const { session } = await one.create(record('u'), { replaceDevice: false });
    await two.revokeAll('u', { kinds: ['browser'], at: session.createdAt + 10 });
    expect(await two.get(session.id)).toBeNull();
    expect((await one.get(session.id))?.epochs).toEqual({});
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    const names = ['activity', 'denied', 'devices', 'epochs', 'high_water', 'keys', 'meta', 'owners', 'sessions'];
    expect(tables).toEqual([...names.map((name) => `one_${name}`), ...names.map((name) => `two_${name}`)]);
    database.close();
  });
});

describe('sqlite store: a connection the app owns', () => {
  it('changes none of its settings unless busyTimeout is given, and never closes it', async () => {
    const filename = files.next();
    const database = new Database(filename, { timeout: 1_234 });
    const store = storeOperations(sqliteStore({ database }));
    await store.getRevocationState('u');
    expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(database.pragma('busy_timeout', { simple: true })).toBe(1_234);
    await store.close?.();
    expect(database.open).toBe(true);
    await expect(store.get('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ code: 'CLOSED' });

    const tuned = storeOperations(sqliteStore({ database, busyTimeout: 250 }));
    await tuned.getRevocationState('u');
    expect(database.pragma('busy_timeout', { simple: true })).toBe(250);
    database.close();
    await expect(tuned.get('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('refuses a connection opened read-only, as every call writes', () => {
    const filename = files.next();
    new Database(filename).close();
    const database = new Database(filename, { readonly: true });
    configurationError({ database });
    database.close();
  });

  it('closes a database it opened itself, once', async () => {
    const store = storeOperations(sqliteStore({ filename: files.next() }));
    await store.getRevocationState('u');
    await store.close?.();
    await store.close?.();
    await expect(store.touch('AAAAAAAAAAAAAAAAAAAAAA', 1)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('sqlite store: data and errors', () => {
  it('round-trips every byte value of the secret hash exactly', async () => {
    const store = storeOperations(sqliteStore({ filename: ':memory:' }));
    for (const bytes of [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, index) => (index * 37) % 256)]) {
      const sliced = new Uint8Array(64);
      sliced.set(bytes, 16);
      const hash = sliced.subarray(16, 48);
      const input = record('bytes', { secretHash: hash });
      await store.create(input, { replaceDevice: false });
      const read = (await store.get(input.id))!.session.secretHash;
      expect(read.byteLength).toBe(32);
      expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true);
    }
    await store.close?.();
  });

  it('refuses a duplicate session id as INVALID_INPUT and changes nothing', async () => {
    const store = storeOperations(sqliteStore({ filename: ':memory:' }));
    const first = record('dup');
    await store.create(first, { replaceDevice: false });
    await expect(store.create({ ...record('dup'), id: first.id }, { replaceDevice: false })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await store.listByUser('dup')).sessions).toHaveLength(1);
    await store.close?.();
  });

  it('reports a broken schema as STORE_ERROR with the SQLite error as cause', async () => {
    const database = new Database(':memory:');
    const store = storeOperations(sqliteStore({ database }));
    await store.getRevocationState('u');
    database.exec('DROP TABLE session_revocation_sessions');
    const error: unknown = await store.get('AAAAAAAAAAAAAAAAAAAAAA').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).code).toBe('STORE_ERROR');
    expect((error as SessionError).cause).toBeInstanceOf(Database.SqliteError);
    database.close();
  });

  it('refuses tables written by a newer schema version', async () => {
    const database = new Database(':memory:');
    await storeOperations(sqliteStore({ database })).getRevocationState('u');
    database.prepare("UPDATE session_revocation_meta SET value = 2 WHERE key = 'schema_version'").run();
    await expect(storeOperations(sqliteStore({ database })).getRevocationState('u')).rejects.toMatchObject({
      code: 'STORE_ERROR',
      message: expect.stringContaining('use schema version 2, newer than this release reads (1): upgrade session-revocation.'),
    });
    database.close();
  });
});
