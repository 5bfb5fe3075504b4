import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { TestClock, MINUTE, UA } from '../support/clock.js';
import { countingPool, operationOf, type CountingPool } from '../support/postgres-counting.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

const FEDERATED_LINKS = expect.stringContaining('sessions_federated');

const up = await postgresUp();

// A sign-in: the one statement that checks the epochs, replaces, caps, inserts and writes its
// activity; then the manager's new-device check (the sighting of the device, which the sign-in
// statement cannot answer: the manager decides from it whether to send an alert).
const SIGN_IN = ['create', 'remember_device'];

describe.skipIf(!up)('postgres store: statements per request', () => {
  const pool = testPool();
  const schema = freshSchema('rt');
  let counting: CountingPool;
  let clock: TestClock;
  let sessions: SessionManager;
  let store: PostgresStore;

  beforeEach(async () => {
    counting = countingPool(pool);
    store = postgresStore({ pool: counting, schema });
    await store.migrate();
    counting.statements.length = 0;
    clock = new TestClock();
    sessions = createSessionManager({ store, clock: clock.read });
  });

  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  const sent = (): string[] => counting.statements.splice(0).map(operationOf);

  it('validates a session with one statement and writes nothing', async () => {
    const { token } = await sessions.create({ userId: 'u-validate', userAgent: UA.chromeMac });
    sent();
    for (let index = 0; index < 20; index++) {
      clock.advance(1_000);
      expect((await sessions.validate(token)).ok).toBe(true);
    }
    expect(sent()).toEqual(Array.from({ length: 20 }, () => 'get'));
  });

  it('writes only the throttled touch, once per touch interval', async () => {
    const { token } = await sessions.create({ userId: 'u-touch' });
    sent();
    clock.advance(MINUTE);
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(sent()).toEqual(['get', 'touch']);
    clock.advance(MINUTE / 2);
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(sent()).toEqual(['get']);
  });

  it('reads the epochs in the same statement: a revoked session is refused with one statement', async () => {
    const { token } = await sessions.create({ userId: 'u-epoch' });
    await sessions.revokeAll('u-epoch');
    sent();
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(sent()).toEqual(['get']);
  });

  it('reads a tenant\'s session with its user\'s and its tenant\'s epochs in one statement', async () => {
    const { token, session } = await sessions.create({ userId: 'u-tenant', tenantId: 'acme-rt', userAgent: UA.chromeMac });
    sent();
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(sent()).toEqual(['get']);
    await storeOperations(store).revokeAll('u-tenant', { kinds: ['api'], at: clock.now });
    await storeOperations(store).revokeTenant('acme-rt', { kinds: ['browser'], at: clock.now + 1 });
    expect(sent()).toEqual(['revoke_all', 'revoke_tenant']);
    const lookup = await store.get(session.id);
    expect(sent()).toEqual(['get']);
    expect(lookup).toMatchObject({ epochs: { api: clock.now }, tenantEpochs: { browser: clock.now + 1 } });
    expect(lookup!.session.createdAt).toBeLessThanOrEqual(lookup!.tenantEpochs!['browser']!);
    // Access-token verification: the user's state and the tenant's, one statement too.
    expect((await storeOperations(store).getRevocationState('u-tenant', 'acme-rt')).tenantEpochs).toEqual({ browser: clock.now + 1 });
    expect(sent()).toEqual(['revocation_state']);
  });

  it('refuses every session of a revoked tenant with one statement per validation', async () => {
    const first = await sessions.create({ userId: 'u-t1', tenantId: 'acme-mgr', userAgent: UA.chromeMac });
    const second = await sessions.create({ userId: 'u-t2', tenantId: 'acme-mgr', userAgent: UA.firefoxWindows });
    const outsider = await sessions.create({ userId: 'u-t3', tenantId: 'globex-mgr', userAgent: UA.chromeMac });
    clock.advance(1_000);
    await sessions.revokeTenant('acme-mgr');
    // One write, however many users and sessions the tenant has.
    expect(sent().slice(-1)).toEqual(['revoke_tenant']);
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.validate(second.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(outsider.token)).ok).toBe(true);
    expect(sent()).toEqual(['get', 'get', 'get']);
    // A sign-in right after is born after the tenant's epoch, still in one statement.
    const again = await sessions.create({ userId: 'u-t1', tenantId: 'acme-mgr', userAgent: UA.chromeMac });
    expect(sent()).toEqual(SIGN_IN);
    expect((await sessions.validate(again.token)).ok).toBe(true);
  });

  it('refuses unknown tokens with one statement and malformed ones with none', async () => {
    expect(await sessions.validate(`${'A'.repeat(22)}.${'B'.repeat(43)}`)).toEqual({ ok: false, reason: 'not_found' });
    expect(await sessions.validate('not-a-token')).toEqual({ ok: false, reason: 'malformed' });
    expect(sent()).toEqual(['get']);
  });

  it('lists with two statements (the rows, their provider links), signs out everywhere and signs out one device with one statement each (and the read of the session revoked)', async () => {
    const { session } = await sessions.create({ userId: 'u-list', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'u-list', userAgent: UA.firefoxWindows });
    sent();
    expect(await sessions.list('u-list')).toHaveLength(2);
    // The list also reads where each session came from (its identity-provider links): a second statement.
    expect(sent()).toEqual(['list', FEDERATED_LINKS]);
    // The manager reads the session first: its entry names the user and the tenant.
    await sessions.revoke(session.id);
    expect(sent()).toEqual(['get', 'revoke']);
    await sessions.revokeAll('u-list');
    expect(sent()).toEqual(['revoke_all']);
  });

  it('signs in with one statement, with and without replacing the device\'s session', async () => {
    const first = await sessions.create({ userId: 'u-create', userAgent: UA.safariMac });
    expect(sent()).toEqual(SIGN_IN);
    // Same browser and OS: the manager replaces the device's session (browser kind).
    const second = await sessions.create({ userId: 'u-create', userAgent: UA.safariMac });
    expect(sent()).toEqual(SIGN_IN);
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(second.token)).ok).toBe(true);
    // After sign out everywhere, the next sign-in lands after the epoch, still in one statement.
    await sessions.revokeAll('u-create');
    sent();
    const third = await sessions.create({ userId: 'u-create', userAgent: UA.safariMac });
    expect(sent()).toEqual(SIGN_IN);
    expect((await sessions.validate(third.token)).ok).toBe(true);
  });

  it('signs in over the session cap with one statement, evicting or refusing, and re-authenticates with one write and its entry', async () => {
    const capped = createSessionManager({ store: sessions.store, clock: clock.read, maxSessions: 1 });
    const first = await capped.create({ userId: 'u-cap', userAgent: UA.safariMac });
    clock.advance(1_000);
    sent();
    await capped.create({ userId: 'u-cap', userAgent: UA.firefoxWindows });
    expect(sent()).toEqual(SIGN_IN);
    expect(await capped.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    sent();
    const refusing = createSessionManager({ store: sessions.store, clock: clock.read, maxSessions: 1, onMaxSessions: 'refuse' });
    const refused: unknown = await refusing.create({ userId: 'u-cap', userAgent: UA.chromeMac }).catch((caught: unknown) => caught);
    expect(isSessionError(refused) && refused.code).toBe('SESSION_LIMIT');
    // The refused statement, then the list of live sessions the error carries.
    expect(sent()).toEqual(['create', 'list', FEDERATED_LINKS]);
    const { session } = await sessions.create({ userId: 'u-reauth' });
    sent();
    clock.advance(MINUTE);
    expect((await sessions.reauthenticated(session.id))?.id).toBe(session.id);
    // The manager reads the session to check it is live, then writes once, then records the
    // entry (no revocation: it needs no atomicity with the write).
    expect(sent()).toEqual(['get', 'reauthenticate', 'append_activity']);
  });
});

describe.skipIf(!up)('postgres store without prepared statements: statements per request', () => {
  const pool = testPool();
  const schema = freshSchema('rtu');
  let counting: CountingPool;
  let sessions: SessionManager;

  beforeEach(async () => {
    counting = countingPool(pool);
    const store = postgresStore({ pool: counting, schema, preparedStatements: false });
    await store.migrate();
    counting.statements.length = 0;
    sessions = createSessionManager({ store });
  });

  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  it('sends unnamed statements, one per sign-in (and its device check) and one per validation', async () => {
    const first = await sessions.create({ userId: 'u-unnamed', userAgent: UA.chromeMac });
    const second = await sessions.create({ userId: 'u-unnamed', userAgent: UA.chromeMac });
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(second.token)).ok).toBe(true);
    const statements = counting.statements.splice(0);
    expect(statements).toHaveLength(6);
    // countingPool records the name when a statement has one, else the SQL text.
    for (const statement of statements) expect(statement).toMatch(/^(SELECT|INSERT) /);
    expect(statements.filter((text) => text.includes('_create_session"('))).toHaveLength(2);
    expect(statements.filter((text) => text.includes('_devices"'))).toHaveLength(2);
  });
});

describe.skipIf(!up)('postgres store on postgres.js: statements per request', () => {
  const statements: string[] = [];
  // postgres.js calls `debug` once for every statement it sends.
  const sql = testPostgresJs(undefined, { debug: (_connection, text) => statements.push(text) });
  const schema = freshSchema('rtjs');
  let sessions: SessionManager;

  beforeAll(async () => {
    const store = postgresStore({ pool: sql, schema });
    await store.migrate();
    sessions = createSessionManager({ store });
  });

  afterAll(async () => {
    await sessions.close();
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end();
  });

  const sent = (): string[] => statements.splice(0);

  it('signs in with one statement (and the device check), with and without replacement, and validates with one', async () => {
    sent();
    const signIn = [expect.stringContaining('_create_session"('), expect.stringContaining('_devices"')];
    const first = await sessions.create({ userId: 'u-js', userAgent: UA.chromeMac });
    expect(sent()).toEqual(signIn);
    const second = await sessions.create({ userId: 'u-js', userAgent: UA.chromeMac });
    expect(sent()).toEqual(signIn);
    expect(await sessions.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(second.token)).ok).toBe(true);
    expect(sent()).toHaveLength(2);
  });
});
