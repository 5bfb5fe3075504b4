import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { NewSessionRecord, SessionStore } from '../../src/store.js';
import { mintToken } from '../../src/token.js';

const HOUR = 3_600_000;

const record = (userId: string, overrides: Partial<NewSessionRecord> = {}): NewSessionRecord => {
  const { id, secretHash } = mintToken();
  const createdAt = overrides.createdAt ?? Date.now();
  return { id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge: HOUR, ...overrides };
};

/** A store on a connection whose every statement is logged (better-sqlite3's `verbose`). */
function tracedStore(): { store: SessionStore; database: Database.Database; statements: string[] } {
  const statements: string[] = [];
  const database = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) });
  return { store: sqliteStore({ database }), database, statements };
}

describe('sqlite store: tenant epochs', () => {
  it('validates a session of a revoked tenant in one statement that answers row, user epochs and tenant epochs', async () => {
    const { store, database, statements } = tracedStore();
    const { session } = await store.create(record('alice', { tenantId: 'acme' }), { replaceDevice: false });
    const { session: loner } = await store.create(record('alice'), { replaceDevice: false });
    await store.revokeAll('alice', { kinds: ['api'], at: 5 });
    await store.revokeTenant!('acme', { kinds: ['browser', 'remember'], at: session.createdAt });

    statements.length = 0;
    const lookup = await store.get(session.id);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT /);
    expect(lookup!.session.tenantId).toBe('acme');
    expect(lookup!.epochs).toEqual({ api: 5 });
    expect(lookup!.tenantEpochs).toEqual({ browser: session.createdAt, remember: session.createdAt });

    // A row without a tenant: the same one statement, and no tenant epochs to answer.
    statements.length = 0;
    const single = await store.get(loner.id);
    expect(statements).toHaveLength(1);
    expect(single!.tenantEpochs).toBeUndefined();
    // get answers the record create answered.
    expect(single!.session).toEqual(loner);
    database.close();
  });

  it('answers a token check for a tenant from one read transaction', async () => {
    const { store, database, statements } = tracedStore();
    await store.revokeTenant!('acme', { kinds: ['api'], at: 1_000 });
    await store.revokeAll('bob', { kinds: ['browser'], at: 2_000 });
    statements.length = 0;
    const state = await store.getRevocationState('bob', 'acme');
    expect(state).toEqual({ epochs: { browser: 2_000 }, denied: {}, tenantEpochs: { api: 1_000 } });
    expect(statements[0]).toMatch(/^BEGIN/);
    expect(statements.at(-1)).toMatch(/^COMMIT/);
    expect(statements.filter((sql) => /^(INSERT|UPDATE|DELETE)/.test(sql))).toEqual([]);
    // Without a tenant, nothing about tenants is read or answered.
    statements.length = 0;
    expect(await store.getRevocationState('bob')).toStrictEqual({ epochs: expect.anything(), denied: expect.anything() });
    expect(statements.some((sql) => sql.includes('tenant_epochs'))).toBe(false);
    database.close();
  });

  it('revokes a tenant of many sessions by writing one row per kind, and never touches the sessions', async () => {
    const { store, database, statements } = tracedStore();
    for (let index = 0; index < 50; index++) await store.create(record(`user-${index % 10}`, { tenantId: 'big' }), { replaceDevice: false });
    const before = database.prepare('SELECT * FROM session_revocation_sessions ORDER BY id').all();
    statements.length = 0;
    const changes = database.prepare('SELECT total_changes()').pluck();
    const startChanges = changes.get() as number;
    await store.revokeTenant!('big', { kinds: ['browser', 'api'], at: Date.now() });
    expect((changes.get() as number) - startChanges).toBe(2);
    expect(database.prepare('SELECT * FROM session_revocation_sessions ORDER BY id').all()).toEqual(before);
    database.close();
  });

  it('raises the tenant epoch to the newest sign-in even from a clock ahead, and the next sign-in is born after it', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const ahead = Date.now() + 10 * 60_000;
    const { session: early } = await store.create(record('carol', { tenantId: 'acme', createdAt: ahead }), { replaceDevice: false });
    const epochs = await store.revokeTenant!('acme', { kinds: ['browser'], at: Date.now() });
    expect(epochs).toEqual({ browser: ahead });
    expect((await store.get(early.id))!.tenantEpochs).toEqual({ browser: ahead });

    // Another user of the tenant, another tenant, and another kind of the same tenant.
    const { session: next } = await store.create(record('dave', { tenantId: 'acme' }), { replaceDevice: false });
    expect(next.createdAt).toBe(ahead + 1);
    const { session: other } = await store.create(record('dave', { tenantId: 'other' }), { replaceDevice: false });
    expect(other.createdAt).toBeLessThan(ahead);
    const { session: api } = await store.create(record('dave', { tenantId: 'acme', kind: 'api' }), { replaceDevice: false });
    expect(api.createdAt).toBeLessThan(ahead);
    // The epoch never moves back.
    expect(await store.revokeTenant!('acme', { kinds: ['browser'], at: 1 })).toEqual({ browser: ahead + 1 });
    await store.close?.();
  });

  it('leaves sessions of a revoked tenant out of device replacement, the cap and revokeOthers', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const now = Date.now();
    const deviceKey = 'Chrome|Mac OS';
    const { session: old } = await store.create(record('erin', { tenantId: 'acme', deviceKey, createdAt: now - 1_000 }), { replaceDevice: false });
    const { session: kept } = await store.create(record('erin', { tenantId: 'acme', createdAt: now - 500 }), { replaceDevice: false });
    await store.revokeTenant!('acme', { kinds: ['browser'], at: now - 100 });

    // Already dead by its tenant's epoch: not replaced, not counted against the cap of 1.
    const limit = { max: 1, onLimit: 'refuse', idleBefore: 0 } as const;
    const signIn = await store.create(record('erin', { tenantId: 'acme', deviceKey, createdAt: now }), { replaceDevice: true, limit });
    expect(signIn.replacedIds).toEqual([]);
    expect(signIn.evictedIds).toEqual([]);
    expect(await store.revokeOthers('erin', { keepSessionId: signIn.session.id, kinds: ['browser'], at: now + 1, reason: 'sign_out' })).toEqual([]);
    expect((await store.get(old.id))!.session.revokedAt).toBeUndefined();
    expect((await store.get(kept.id))!.session.revokedAt).toBeUndefined();
    await store.close?.();
  });

  it('answers the epochs of every tenant the user has rows in from listByUser', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    await store.create(record('frank', { tenantId: 'acme' }), { replaceDevice: false });
    const { session: newest } = await store.create(record('frank', { tenantId: 'acme', createdAt: Date.now() + 1_000 }), { replaceDevice: false });
    await store.create(record('frank', { tenantId: '__proto__', kind: 'api' }), { replaceDevice: false });
    await store.create(record('frank', { tenantId: 'calm' }), { replaceDevice: false });
    await store.create(record('frank'), { replaceDevice: false });
    await store.revokeTenant!('acme', { kinds: ['browser', 'api'], at: 10 });
    await store.revokeTenant!('__proto__', { kinds: ['browser'], at: 20 });
    await store.revokeTenant!('calm', { kinds: ['browser'], at: 1 });
    await store.revokeTenant!('elsewhere', { kinds: ['browser'], at: 30 });
    const { sessions, tenantEpochs } = await store.listByUser('frank');
    expect(sessions).toHaveLength(5);
    expect(Object.keys(tenantEpochs!).sort()).toEqual(['__proto__', 'acme', 'calm']);
    // The high-water mark of the tenant's sign-ins of the kind, or the time asked.
    expect(tenantEpochs!['acme']).toEqual({ browser: newest.createdAt, api: 10 });
    expect(tenantEpochs!['__proto__']).toEqual({ browser: 20 });
    expect(tenantEpochs!['calm']!['browser']).toBeGreaterThan(1);
    await store.close?.();
  });
});

describe('sqlite store: impersonation', () => {
  it('stores who acts on a support session and answers it from create, get, listByUser and revoke', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const { session } = await store.create(record('grace', { kind: 'impersonation', impersonatorId: 'support-7' }), { replaceDevice: false });
    const { session: plain } = await store.create(record('grace'), { replaceDevice: false });
    expect(session.impersonatorId).toBe('support-7');
    expect((await store.get(session.id))!.session.impersonatorId).toBe('support-7');
    expect((await store.get(plain.id))!.session.impersonatorId).toBeUndefined();
    const listed = (await store.listByUser('grace')).sessions.find((row) => row.id === session.id);
    expect(listed!.impersonatorId).toBe('support-7');
    const before = await store.revoke(session.id, { at: Date.now(), reason: 'revoked' });
    expect(before!.impersonatorId).toBe('support-7');
    await store.close?.();
  });
});
