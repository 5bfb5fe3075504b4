import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';
import { mintToken } from '../../src/token.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

// The tables as the first release of the store created them (schema version 1), before
// sessions recorded when the user last proved who they are and the session-only cookie flag.
const VERSION_1 = `
  CREATE TABLE session_revocation_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE session_revocation_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    tenant_id TEXT,
    kind TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    device_key TEXT,
    browser TEXT,
    os TEXT,
    device_type TEXT,
    user_agent TEXT,
    ip TEXT,
    data TEXT,
    revoked_at INTEGER,
    revoked_reason TEXT
  );
  CREATE INDEX session_revocation_sessions_user ON session_revocation_sessions (user_id, kind, device_key);
  CREATE INDEX session_revocation_sessions_expiry ON session_revocation_sessions (expires_at);
  CREATE TABLE session_revocation_epochs (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    epoch INTEGER,
    high_water INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind)
  ) WITHOUT ROWID;
  CREATE TABLE session_revocation_denied (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, until INTEGER NOT NULL);
  CREATE INDEX session_revocation_denied_user ON session_revocation_denied (user_id);
  CREATE INDEX session_revocation_denied_until ON session_revocation_denied (until);
  INSERT INTO session_revocation_meta (key, value) VALUES ('schema_version', 1);
`;

// The insert of the first release: it names only its own columns, as a process still
// running that release does after another one upgraded the file.
const INSERT_VERSION_1 = `INSERT INTO session_revocation_sessions
  (id, user_id, kind, secret_hash, created_at, expires_at, last_used_at, revoked_at, revoked_reason)
  VALUES (?, ?, 'browser', ?, ?, ?, ?, ?, ?)`;

/** Writes one session the way the first release did; returns its token. */
function insertOld(database: Database.Database, userId: string, createdAt: number, revoked?: { at: number; reason: string }): { token: string; id: string } {
  const { token, id, secretHash } = mintToken();
  database.prepare(INSERT_VERSION_1).run(id, userId, secretHash, createdAt, createdAt + 86_400_000, createdAt, revoked?.at ?? null, revoked?.reason ?? null);
  return { token, id };
}

function schemaVersion(filename: string): unknown {
  const raw = new Database(filename, { readonly: true });
  try {
    return raw.prepare("SELECT value FROM session_revocation_meta WHERE key = 'schema_version'").pluck().get();
  } finally {
    raw.close();
  }
}

describe('sqlite store: tables of an older version', () => {
  it('upgrades them on first use: existing sessions stay valid, proven at their sign-in, and persistent', async () => {
    const filename = files.next();
    const createdAt = Date.now() - 60_000;
    const old = new Database(filename);
    old.exec(VERSION_1);
    const alice = insertOld(old, 'alice', createdAt);
    const gone = insertOld(old, 'alice', createdAt - 1, { at: createdAt, reason: 'revoked' });
    old.close();

    const sessions = createSessionManager({ store: sqliteStore({ filename }), freshAge: 600_000 });
    const valid = await sessions.validate(alice.token);
    expect(valid.ok).toBe(true);
    if (!valid.ok) return;
    expect(valid.session.createdAt).toBe(createdAt);
    expect(valid.session.authenticatedAt).toBe(createdAt);
    expect(valid.session.persistent).toBeUndefined();
    expect(sessions.isFresh(valid.session)).toBe(true);
    expect(await sessions.validate(gone.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(schemaVersion(filename)).toBe(5);

    // The upgraded tables take what this version writes.
    expect((await sessions.reauthenticated(alice.id))?.id).toBe(alice.id);
    const renewed = await sessions.validate(alice.token);
    expect(renewed.ok && renewed.session.authenticatedAt).toBeGreaterThan(createdAt);
    const forgetful = await sessions.create({ userId: 'alice', persistent: false });
    expect((await sessions.store.get(forgetful.session.id))!.session.persistent).toBe(false);
    await sessions.close();
  });

  it('two connections opening the old file at once upgrade it once', async () => {
    const filename = files.next();
    const createdAt = Date.now();
    const old = new Database(filename);
    old.exec(VERSION_1);
    const bob = insertOld(old, 'bob', createdAt);
    old.close();

    const first = sqliteStore({ filename });
    const second = sqliteStore({ filename });
    const [one, two] = await Promise.all([first.get(bob.id), second.get(bob.id)]);
    expect(one!.session.authenticatedAt).toBe(createdAt);
    expect(two!.session.authenticatedAt).toBe(createdAt);
    expect(schemaVersion(filename)).toBe(5);
    await first.close?.();
    await second.close?.();
  });

  it('reads a session written by an older process after the upgrade as proven at its sign-in', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    await store.getRevocationState('warm-up');
    // A process of the first release, started before the upgrade, keeps writing its columns only.
    const older = new Database(filename);
    const createdAt = Date.now();
    const carol = insertOld(older, 'carol', createdAt);
    older.close();

    const read = (await store.get(carol.id))!.session;
    expect(read.authenticatedAt).toBe(createdAt);
    expect(read.persistent).toBeUndefined();
    expect(await store.reauthenticate(carol.id, createdAt - 1_000)).toBe(true);
    expect((await store.get(carol.id))!.session.authenticatedAt).toBe(createdAt);
    expect(await store.reauthenticate(carol.id, createdAt + 5_000)).toBe(true);
    expect((await store.get(carol.id))!.session.authenticatedAt).toBe(createdAt + 5_000);
    await store.close?.();
  });
});

// The tables as schema version 2 left them: version 1 and the two columns its upgrade
// appended, with no tenant epochs, activity, known devices or revocation links yet.
const VERSION_2 = `${VERSION_1.replace("VALUES ('schema_version', 1)", "VALUES ('schema_version', 2)")}
  ALTER TABLE session_revocation_sessions ADD COLUMN authenticated_at INTEGER;
  ALTER TABLE session_revocation_sessions ADD COLUMN persistent INTEGER;
`;

// What a process of version 2 runs: its insert names its own columns, its validation read
// selects them.
const INSERT_VERSION_2 = `INSERT INTO session_revocation_sessions
  (id, user_id, tenant_id, kind, secret_hash, created_at, expires_at, last_used_at, authenticated_at, persistent)
  VALUES (?, ?, ?, 'browser', ?, ?, ?, ?, ?, NULL)`;
const GET_VERSION_2 = `SELECT s.id, s.user_id, s.tenant_id, s.created_at, s.authenticated_at, s.persistent, s.revoked_at,
  (SELECT json_group_object(e.kind, e.epoch) FROM session_revocation_epochs AS e WHERE e.user_id = s.user_id AND e.epoch IS NOT NULL) AS epochs
  FROM session_revocation_sessions AS s WHERE s.id = ?`;

function insertVersion2(database: Database.Database, userId: string, tenantId: string | null, createdAt: number): { token: string; id: string } {
  const { token, id, secretHash } = mintToken();
  database.prepare(INSERT_VERSION_2).run(id, userId, tenantId, secretHash, createdAt, createdAt + 86_400_000, createdAt, createdAt - 1_000);
  return { token, id };
}

describe('sqlite store: tables of schema version 2', () => {
  it('upgrades them with their rows: sessions stay valid, tenants can be revoked, the new tables start empty', async () => {
    const filename = files.next();
    const createdAt = Date.now() - 60_000;
    const old = new Database(filename);
    old.exec(VERSION_2);
    const alice = insertVersion2(old, 'alice', 'acme', createdAt);
    const bob = insertVersion2(old, 'bob', null, createdAt);
    const tombstone = insertVersion2(old, 'bob', null, createdAt - 1);
    old.prepare("UPDATE session_revocation_sessions SET revoked_at = ?, revoked_reason = 'revoked' WHERE id = ?").run(createdAt, tombstone.id);
    old.prepare("INSERT INTO session_revocation_epochs (user_id, kind, epoch, high_water) VALUES ('bob', 'api', 7, 7)").run();
    old.prepare("INSERT INTO session_revocation_denied (session_id, user_id, until) VALUES (?, 'bob', ?)").run(tombstone.id, createdAt + 60_000);
    old.close();

    const sessions = createSessionManager({ store: sqliteStore({ filename }) });
    const valid = await sessions.validate(alice.token);
    expect(valid.ok && valid.session.authenticatedAt).toBe(createdAt - 1_000);
    expect((await sessions.validate(bob.token)).ok).toBe(true);
    expect(await sessions.validate(tombstone.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(schemaVersion(filename)).toBe(5);
    expect(await sessions.store.getRevocationState('bob')).toEqual({ epochs: { api: 7 }, denied: { [tombstone.id]: createdAt + 60_000 } });
    const row = (await sessions.store.get(alice.id))!;
    expect(row.session.impersonatorId).toBeUndefined();
    expect(row.tenantEpochs).toEqual({});
    expect(await sessions.store.listActivity!('alice', { limit: 10 })).toEqual([]);
    expect(await sessions.store.listDevices!('alice')).toEqual([]);

    // A tenant revoked after the upgrade covers the sessions written before it.
    expect(await sessions.store.revokeTenant!('acme', { kinds: ['browser'], at: createdAt })).toEqual({ browser: createdAt });
    expect((await sessions.store.get(alice.id))!.tenantEpochs).toEqual({ browser: createdAt });
    expect((await sessions.validate(bob.token)).ok).toBe(true);
    await sessions.close();

    // Upgraded tables and the tables of a new file hold the same columns, in the same order.
    const upgraded = new Database(filename, { readonly: true });
    const fresh = new Database(':memory:');
    await sqliteStore({ database: fresh }).getRevocationState('u');
    const shape = (database: Database.Database): unknown =>
      database
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
        .all()
        .map(({ name }) => [name, database.pragma(`table_info("${name}")`)]);
    expect(shape(upgraded)).toEqual(shape(fresh));
    upgraded.close();
    fresh.close();
  });

  it('keeps a process of version 2 working on the upgraded tables until it restarts', async () => {
    const filename = files.next();
    const old = new Database(filename);
    old.exec(VERSION_2);
    const store = sqliteStore({ filename });
    await store.getRevocationState('warm-up');
    expect(schemaVersion(filename)).toBe(5);

    // The older process writes and reads its own columns; this version reads its rows.
    const createdAt = Date.now();
    const carol = insertVersion2(old, 'carol', 'acme', createdAt);
    expect(old.prepare(GET_VERSION_2).get(carol.id)).toMatchObject({ id: carol.id, tenant_id: 'acme', epochs: '{}' });
    const read = (await store.get(carol.id))!;
    expect(read.session.authenticatedAt).toBe(createdAt - 1_000);
    expect(read.session.impersonatorId).toBeUndefined();
    // And the older process reads the rows this version writes, impersonator and all.
    const { id, secretHash } = mintToken();
    const { session } = await store.create(
      { id, secretHash, userId: 'carol', kind: 'impersonation', createdAt, authenticatedAt: createdAt, maxAge: 60_000, impersonatorId: 'agent' },
      { replaceDevice: false, activity: { id: 'act-1', userId: 'carol', type: 'session.created', at: createdAt, reason: 'impersonation' } },
    );
    expect(old.prepare(GET_VERSION_2).get(session.id)).toMatchObject({ id: session.id, created_at: session.createdAt, revoked_at: null });
    expect((await store.listActivity!('carol', { limit: 5 })).map((entry) => entry.id)).toEqual(['act-1']);
    old.close();
    await store.close?.();
  });
});

// The sessions table as schema version 3 left it: version 2 and the impersonator column. The
// tables version 3 added are created by the store's schema step whatever the version found.
const VERSION_3 = `${VERSION_2.replace("VALUES ('schema_version', 2)", "VALUES ('schema_version', 3)")}
  ALTER TABLE session_revocation_sessions ADD COLUMN impersonator_id TEXT;
`;

// What a process of version 3 runs: its insert and its reads name its own columns.
const INSERT_VERSION_3 = `INSERT INTO session_revocation_sessions
  (id, user_id, tenant_id, kind, secret_hash, created_at, expires_at, last_used_at, authenticated_at, persistent, impersonator_id)
  VALUES (?, ?, NULL, 'impersonation', ?, ?, ?, ?, ?, NULL, ?)`;
const GET_VERSION_3 = `SELECT id, user_id, kind, created_at, revoked_at, impersonator_id FROM session_revocation_sessions WHERE id = ?`;

function insertVersion3(database: Database.Database, userId: string, impersonatorId: string, createdAt: number): { token: string; id: string } {
  const { token, id, secretHash } = mintToken();
  database.prepare(INSERT_VERSION_3).run(id, userId, secretHash, createdAt, createdAt + 86_400_000, createdAt, createdAt, impersonatorId);
  return { token, id };
}

describe('sqlite store: tables of schema version 3', () => {
  it("adds the admin's session column: support sessions written before read without one, new ones keep it", async () => {
    const filename = files.next();
    const createdAt = Date.now() - 60_000;
    const old = new Database(filename);
    old.exec(VERSION_3);
    const support = insertVersion3(old, 'dave', 'admin-7', createdAt);
    old.close();

    const store = sqliteStore({ filename });
    const before = (await store.get(support.id))!.session;
    expect([before.kind, before.impersonatorId, before.impersonatorSessionId]).toEqual(['impersonation', 'admin-7', undefined]);
    expect(schemaVersion(filename)).toBe(5);
    const { id, secretHash } = mintToken();
    await store.create(
      { id, secretHash, userId: 'dave', kind: 'impersonation', createdAt, authenticatedAt: createdAt, maxAge: 60_000, impersonatorId: 'admin-7', impersonatorSessionId: 'AdminSession0000000001' },
      { replaceDevice: false },
    );
    expect((await store.get(id))!.session.impersonatorSessionId).toBe('AdminSession0000000001');
    await store.close?.();

    // Upgraded tables and the tables of a new file hold the same columns, in the same order.
    const upgraded = new Database(filename, { readonly: true });
    const fresh = new Database(':memory:');
    await sqliteStore({ database: fresh }).getRevocationState('u');
    const columns = (database: Database.Database): unknown => database.pragma('table_info("session_revocation_sessions")');
    expect(columns(upgraded)).toEqual(columns(fresh));
    upgraded.close();
    fresh.close();
  });

  it('keeps a process of version 3 working on the upgraded tables until it restarts', async () => {
    const filename = files.next();
    const old = new Database(filename);
    old.exec(VERSION_3);
    const store = sqliteStore({ filename });
    await store.getRevocationState('warm-up');
    expect(schemaVersion(filename)).toBe(5);

    const createdAt = Date.now();
    const written = insertVersion3(old, 'erin', 'admin-8', createdAt);
    expect((await store.get(written.id))!.session).toMatchObject({ impersonatorId: 'admin-8', impersonatorSessionId: undefined });
    const { id, secretHash } = mintToken();
    await store.create(
      { id, secretHash, userId: 'erin', kind: 'impersonation', createdAt, authenticatedAt: createdAt, maxAge: 60_000, impersonatorId: 'admin-8', impersonatorSessionId: 'AdminSession0000000002' },
      { replaceDevice: false },
    );
    expect(old.prepare(GET_VERSION_3).get(id)).toMatchObject({ id, user_id: 'erin', revoked_at: null, impersonator_id: 'admin-8' });
    old.close();
    await store.close?.();
  });
});
