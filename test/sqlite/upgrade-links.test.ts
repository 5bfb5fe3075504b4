import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { mintToken } from '../../src/token.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

// Tables as the previous release (schema version 3) left them: the current ones without the
// admin's session column (version 4) and without the device of a link (version 5). A link
// was the user and the session only.
async function versionThreeFile(): Promise<string> {
  const filename = files.next();
  const current = sqliteStore({ filename });
  await current.getRevocationState('u');
  await current.close?.();
  const raw = new Database(filename);
  raw.exec(`
    ALTER TABLE session_revocation_sessions DROP COLUMN impersonator_session_id;
    ALTER TABLE session_revocation_links DROP COLUMN device_key;
    ALTER TABLE session_revocation_links DROP COLUMN tenant_id;
    UPDATE session_revocation_meta SET value = 3 WHERE key = 'schema_version';
  `);
  raw.close();
  return filename;
}

// What a process of version 3 runs to save and read a link: it names its own columns.
const INSERT_LINK_VERSION_3 = 'INSERT INTO session_revocation_links (id, secret_hash, user_id, session_id, expires_at) VALUES (?, ?, ?, ?, ?)';
const LINK_VERSION_3 = 'SELECT id, secret_hash, user_id, session_id, expires_at FROM session_revocation_links WHERE id = ?';

function schemaVersion(database: Database.Database): unknown {
  return database.prepare("SELECT value FROM session_revocation_meta WHERE key = 'schema_version'").pluck().get();
}

describe('sqlite store: revocation links of schema version 3', () => {
  it('adds the columns of the device a link signs out: links saved before read without one, new ones keep theirs', async () => {
    const filename = await versionThreeFile();
    const old = new Database(filename);
    const earlier = mintToken();
    old.prepare(INSERT_LINK_VERSION_3).run(earlier.id, earlier.secretHash, 'gina', 'S'.repeat(22), Date.now() + 60_000);

    const store = sqliteStore({ filename });
    const read = await store.consumeRevocationLink!(earlier.id, earlier.secretHash, Date.now());
    expect(read).toMatchObject({ userId: 'gina', sessionId: 'S'.repeat(22) });
    expect([read?.deviceKey, read?.tenantId]).toEqual([undefined, undefined]);
    expect(schemaVersion(old)).toBe(5);
    const later = mintToken();
    await store.saveRevocationLink!({ id: later.id, secretHash: later.secretHash, userId: 'gina', sessionId: 'T'.repeat(22), expiresAt: Date.now() + 60_000, deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    expect(await store.consumeRevocationLink!(later.id, later.secretHash, Date.now())).toMatchObject({ deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    await store.close?.();

    // Upgraded tables and the tables of a new file hold the same columns, in the same order.
    const fresh = new Database(':memory:');
    await sqliteStore({ database: fresh }).getRevocationState('u');
    for (const table of ['session_revocation_links', 'session_revocation_sessions']) {
      const columns = (database: Database.Database): unknown => database.pragma(`table_info("${table}")`);
      expect(columns(old)).toEqual(columns(fresh));
    }
    old.close();
    fresh.close();
  });

  it('keeps a process of version 3 saving and reading links on the upgraded tables until it restarts', async () => {
    const filename = await versionThreeFile();
    const old = new Database(filename);
    const store = sqliteStore({ filename });
    await store.getRevocationState('warm-up');
    expect(schemaVersion(old)).toBe(5);

    const saved = mintToken();
    old.prepare(INSERT_LINK_VERSION_3).run(saved.id, saved.secretHash, 'hal', 'S'.repeat(22), Date.now() + 60_000);
    expect(await store.consumeRevocationLink!(saved.id, saved.secretHash, Date.now())).toMatchObject({ userId: 'hal', deviceKey: undefined });
    const carried = mintToken();
    await store.saveRevocationLink!({ id: carried.id, secretHash: carried.secretHash, userId: 'hal', sessionId: 'T'.repeat(22), expiresAt: Date.now() + 60_000, deviceKey: 'Chrome|Mac OS' });
    expect(old.prepare(LINK_VERSION_3).get(carried.id)).toMatchObject({ id: carried.id, user_id: 'hal', session_id: 'T'.repeat(22) });
    old.close();
    await store.close?.();
  });
});
