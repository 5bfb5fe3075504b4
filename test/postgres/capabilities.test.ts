import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import type { ActivityRecord, NewSessionRecord, RevocationNotice } from '../../src/store.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';
import { timeUntil } from '../support/postgres-listening.js';

const up = await postgresUp();

const HOUR = 3_600_000;
const T = 1_700_000_000_000;

let ids = 0;
/** A fresh 22-character session id. */
const newId = (): string => `${(ids += 1).toString().padStart(6, '0')}${randomBytes(12).toString('base64url')}`.slice(0, 22);
const hashOf = (text: string): Uint8Array => createHash('sha256').update(text).digest();

const record = (userId: string, extra: Partial<NewSessionRecord> = {}): NewSessionRecord => ({
  id: newId(),
  userId,
  kind: 'browser',
  secretHash: hashOf('secret'),
  createdAt: T,
  authenticatedAt: T,
  maxAge: HOUR,
  ...extra,
});

const entry = (id: string, fields: Partial<ActivityRecord> = {}): ActivityRecord => ({
  id,
  type: 'session.created',
  at: T,
  reason: 'sign_in',
  ...fields,
});

// The store's statements depend on the client: pg with named statements, pg with unnamed ones
// (PgBouncer's transaction mode), and postgres.js (which types parameters its own way).
const clients = [
  { label: 'pg', make: (schema: string) => postgresStore({ pool: pools.pg, schema, statementTimeout: 10_000 }) },
  {
    label: 'pg without prepared statements',
    make: (schema: string) => postgresStore({ pool: pools.pg, schema, preparedStatements: false, statementTimeout: 10_000 }),
  },
  { label: 'postgres.js', make: (schema: string) => postgresStore({ pool: pools.js, schema, statementTimeout: 10_000 }) },
] as const;

const pools = up ? { pg: testPool({ max: 6 }), js: testPostgresJs(undefined, { max: 6 }) } : (undefined as never);
const created: string[] = [];

afterAll(async () => {
  if (!up) return;
  await dropSchemas(pools.pg, created);
  await pools.pg.end();
  await pools.js.end();
});

describe.skipIf(!up)('postgres store capabilities', () => describe.each(clients)('$label', ({ make }) => {
  let store: PostgresStore;
  let schema: string;

  beforeEach(async () => {
    schema = freshSchema('cap');
    created.push(schema);
    store = make(schema);
    await store.migrate();
    return () => store.close();
  });

  it('stores the impersonator and answers it wherever a row is answered', async () => {
    const { session } = await store.create(record('u-imp', { kind: 'impersonation', impersonatorId: 'agent-7' }), { replaceDevice: false });
    expect(session.impersonatorId).toBe('agent-7');
    expect((await store.get(session.id))?.session.impersonatorId).toBe('agent-7');
    expect((await store.listByUser('u-imp')).sessions[0]?.impersonatorId).toBe('agent-7');
    expect((await store.revoke(session.id, { at: T + 1, reason: 'sign_out' }))?.impersonatorId).toBe('agent-7');
    const plain = await store.create(record('u-imp'), { replaceDevice: false });
    expect((await store.get(plain.session.id))?.session.impersonatorId).toBeUndefined();
  });

  it('revokes a tenant with its epochs, answered by get, listByUser and getRevocationState', async () => {
    const a = await store.create(record('u-a', { tenantId: 'acme' }), { replaceDevice: false });
    const b = await store.create(record('u-b', { tenantId: 'acme', kind: 'api' }), { replaceDevice: false });
    const other = await store.create(record('u-a', { tenantId: 'globex' }), { replaceDevice: false });
    expect((await store.get(a.session.id))?.tenantEpochs).toEqual({});
    expect(await store.revokeTenant('acme', { kinds: ['browser', 'api'], at: T + 10 })).toEqual({ browser: T + 10, api: T + 10 });
    expect((await store.get(a.session.id))?.tenantEpochs).toEqual({ browser: T + 10, api: T + 10 });
    expect((await store.get(b.session.id))?.tenantEpochs).toEqual({ browser: T + 10, api: T + 10 });
    expect((await store.get(other.session.id))?.tenantEpochs).toEqual({});
    // The user's own epochs are not the tenant's.
    expect((await store.get(a.session.id))?.epochs).toEqual({});
    const listed = await store.listByUser('u-a');
    expect(listed.tenantEpochs).toEqual({ acme: { browser: T + 10, api: T + 10 } });
    expect((await store.getRevocationState('u-a', 'acme')).tenantEpochs).toEqual({ browser: T + 10, api: T + 10 });
    expect((await store.getRevocationState('u-a', 'globex')).tenantEpochs).toEqual({});
    expect((await store.getRevocationState('u-a')).tenantEpochs).toBeUndefined();
    // Never lowered.
    expect(await store.revokeTenant('acme', { kinds: ['browser'], at: T })).toEqual({ browser: T + 10 });
    // A row without a tenant answers no tenant epochs.
    const none = await store.create(record('u-c'), { replaceDevice: false });
    expect((await store.get(none.session.id))?.tenantEpochs).toBeUndefined();
  });

  it('signs in after the tenant epoch, and a tenant revocation covers sign-ins from a clock ahead', async () => {
    await store.revokeTenant('acme', { kinds: ['browser'], at: T + 1_000 });
    const after = await store.create(record('u-late', { tenantId: 'acme' }), { replaceDevice: false });
    expect(after.session.createdAt).toBe(T + 1_001);
    expect(after.session.expiresAt).toBe(T + 1_001 + HOUR);
    // The user's own mark follows, so "sign out everywhere" from a clock behind covers it.
    expect((await store.revokeAll('u-late', { kinds: ['browser'], at: T }))['browser']).toBe(T + 1_001);
    const ahead = await store.create(record('u-ahead', { tenantId: 'acme', createdAt: T + 50_000 }), { replaceDevice: false });
    const epochs = await store.revokeTenant('acme', { kinds: ['browser'], at: T + 2_000 });
    expect(epochs['browser']).toBe(T + 50_000);
    expect(ahead.session.createdAt).toBeLessThanOrEqual(epochs['browser']!);
  });

  it('counts a session revoked by its tenant as gone, for the cap, the device and revokeOthers', async () => {
    const old = await store.create(record('u-cap', { tenantId: 'acme', deviceKey: 'Chrome|Mac OS' }), { replaceDevice: false });
    const otherDevice = await store.create(record('u-cap', { tenantId: 'acme', deviceKey: 'Edge|Windows' }), { replaceDevice: false });
    const keep = await store.create(record('u-cap', { deviceKey: 'Safari|iOS' }), { replaceDevice: false });
    await store.revokeTenant('acme', { kinds: ['browser'], at: T + 5 });
    const next = await store.create(record('u-cap', { tenantId: 'acme', deviceKey: 'Chrome|Mac OS', createdAt: T + 10 }), {
      replaceDevice: true,
      limit: { max: 2, onLimit: 'refuse', idleBefore: 0 },
    });
    // Not replaced (already revoked by its tenant); the other device's session is not counted
    // under the cap of 2 either (with it, the cap would refuse).
    expect(next.replacedIds).toEqual([]);
    expect(next.evictedIds).toEqual([]);
    expect(await store.revokeOthers('u-cap', { keepSessionId: keep.session.id, kinds: ['browser'], at: T + 20, reason: 'revoked' })).toEqual([
      next.session.id,
    ]);
    for (const gone of [old, otherDevice]) expect((await store.get(gone.session.id))?.session.revokedAt).toBeUndefined();
  });

  it('writes activity with the change it records, and only when it happened', async () => {
    const first = await store.create(record('u-act', { tenantId: 'acme', deviceKey: 'Chrome|Mac OS' }), {
      replaceDevice: true,
      activity: entry('a0001', { userId: 'u-act', tenantId: 'acme' }),
    });
    const second = await store.create(record('u-act', { tenantId: 'acme', deviceKey: 'Chrome|Mac OS', createdAt: T + 5 }), {
      replaceDevice: true,
      activity: entry('a0002', { userId: 'u-act', tenantId: 'acme', at: T + 5, deviceLabel: 'Chrome on Mac OS', ip: '203.0.113.9' }),
    });
    expect(second.replacedIds).toEqual([first.session.id]);
    // The cap of one evicts the session of the other device.
    const third = await store.create(record('u-act', { tenantId: 'acme', deviceKey: 'Firefox|Windows', createdAt: T + 6 }), {
      replaceDevice: true,
      limit: { max: 1, onLimit: 'evict-oldest', idleBefore: 0 },
      activity: entry('a0003', { userId: 'u-act', tenantId: 'acme', at: T + 6 }),
    });
    expect(third.evictedIds).toEqual([second.session.id]);
    // Revoking a tombstone writes nothing; revoking a live session writes its entry.
    expect(await store.revoke(first.session.id, { at: T + 7, reason: 'sign_out', activity: entry('a0004', { userId: 'u-act', type: 'session.revoked' }) })).toBeNull();
    expect(await store.revoke(third.session.id, { at: T + 8, reason: 'sign_out', activity: entry('a0005', { userId: 'u-act', type: 'session.revoked', by: 'admin-1' }) })).not.toBeNull();
    // revokeOthers writes its one entry even when nothing was left to revoke.
    expect(await store.revokeOthers('u-act', { keepSessionId: 'none', kinds: ['browser'], at: T + 9, reason: 'revoked', activity: entry('a0006', { userId: 'u-act', type: 'user.sessions_revoked' }) })).toEqual([]);
    await store.revokeAll('u-act', { kinds: ['browser'], at: T + 10, activity: entry('a0007', { userId: 'u-act', type: 'user.session_invalidated', reason: 'password_changed' }) });
    await store.revokeTenant('acme', { kinds: ['browser'], at: T + 11, activity: entry('a0008', { tenantId: 'acme', type: 'tenant.sessions_revoked', reason: 'admin', by: 'ops' }) });
    await store.revokeTenant('globex', { kinds: ['browser'], at: T + 11, activity: entry('a0009', { tenantId: 'globex', type: 'tenant.sessions_revoked', reason: 'admin' }) });
    await store.appendActivity([entry('a0010', { userId: 'u-act', type: 'session.reauthenticated', reason: 'reauthenticated', sessionId: 's' })]);

    const mine = await store.listActivity('u-act', { limit: 100 });
    expect(mine.map((item) => item.id)).toEqual(['a0010', 'a0007', 'a0006', 'a0005', 'a0003.0', 'a0003', 'a0002.0', 'a0002', 'a0001']);
    expect(mine.find((item) => item.id === 'a0002.0')).toEqual({
      id: 'a0002.0',
      userId: 'u-act',
      tenantId: 'acme',
      type: 'session.revoked',
      at: T + 5,
      reason: 'replaced',
      sessionId: first.session.id,
    });
    expect(mine.find((item) => item.id === 'a0003.0')).toMatchObject({ reason: 'session_limit', sessionId: second.session.id, at: T + 6 });
    expect(mine.find((item) => item.id === 'a0002')).toEqual(
      entry('a0002', { userId: 'u-act', tenantId: 'acme', at: T + 5, deviceLabel: 'Chrome on Mac OS', ip: '203.0.113.9' }),
    );
    expect(mine.find((item) => item.id === 'a0005')?.by).toBe('admin-1');
    // With the tenant: its own entries join, another tenant's do not.
    const withTenant = await store.listActivity('u-act', { limit: 100, tenantId: 'acme' });
    expect(withTenant.map((item) => item.id)).toEqual(['a0010', 'a0008', 'a0007', 'a0006', 'a0005', 'a0003.0', 'a0003', 'a0002.0', 'a0002', 'a0001']);
    expect(withTenant[1]).toEqual(entry('a0008', { tenantId: 'acme', type: 'tenant.sessions_revoked', reason: 'admin', by: 'ops' }));
  });

  it('rolls the activity back with a sign-in the cap refuses', async () => {
    await store.create(record('u-refused'), { replaceDevice: false });
    const refused: unknown = await store
      .create(record('u-refused'), { replaceDevice: false, limit: { max: 1, onLimit: 'refuse', idleBefore: 0 }, activity: entry('r1', { userId: 'u-refused' }) })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'SESSION_LIMIT' });
    expect(await store.listActivity('u-refused', { limit: 10 })).toEqual([]);
  });

  it('pages activity newest first in byte order, the cursor exclusive', async () => {
    // Byte order: digits < upper case < "_" < lower case; a locale would sort "a" before "B".
    const order = ['0-x', '9.z', 'A_1', 'B', 'Z', '_', 'a', 'a.0', 'a.1', 'b', 'z'];
    await store.appendActivity([...order].reverse().map((id) => entry(id, { userId: 'u-page' })));
    await store.appendActivity([entry('zz', { tenantId: 'acme', type: 'tenant.sessions_revoked' })]);
    const all = await store.listActivity('u-page', { limit: 1000 });
    expect(all.map((item) => item.id)).toEqual([...order].reverse());
    const pages: string[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.listActivity('u-page', { limit: 4, before, tenantId: 'acme' });
      if (page.length === 0) break;
      pages.push(page.map((item) => item.id));
      before = page.at(-1)!.id;
    }
    expect(pages).toEqual([
      ['zz', 'z', 'b', 'a.1'],
      ['a.0', 'a', '_', 'Z'],
      ['B', 'A_1', '9.z', '0-x'],
    ]);
    // Appending the same entry again (a retry) keeps one.
    await store.appendActivity([entry('z', { userId: 'u-page' })]);
    expect(await store.listActivity('u-page', { limit: 2 })).toHaveLength(2);
    expect((await store.listActivity('u-page', { limit: 1000 })).filter((item) => item.id === 'z')).toHaveLength(1);
  });

  it('remembers devices, keeping the latest time and answering the previous one', async () => {
    const device = 'd'.repeat(43);
    expect(await store.rememberDevice('u-dev', device, T)).toBeNull();
    expect(await store.rememberDevice('u-dev', device, T + 100)).toBe(T);
    expect(await store.rememberDevice('u-dev', device, T + 50)).toBe(T + 100);
    expect(await store.rememberDevice('u-dev', 'e'.repeat(43), T + 1)).toBeNull();
    expect(await store.rememberDevice('someone-else', device, T)).toBeNull();
    const devices = [...(await store.listDevices('u-dev'))].sort((x, y) => x.lastSeenAt - y.lastSeenAt);
    expect(devices).toEqual([
      { deviceHash: 'e'.repeat(43), lastSeenAt: T + 1 },
      { deviceHash: device, lastSeenAt: T + 100 },
    ]);
    expect(await store.listDevices('nobody')).toEqual([]);
  });

  it('tells exactly one of many concurrent first sightings of a device that it is new', async () => {
    const device = 'c'.repeat(43);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => store.rememberDevice('u-burst', device, T + index)));
    expect(answers.filter((answer) => answer === null)).toHaveLength(1);
    // Every other one was told a time an earlier sighting wrote.
    for (const answer of answers) if (answer !== null) expect(answer).toBeGreaterThanOrEqual(T);
    expect(await store.listDevices('u-burst')).toEqual([{ deviceHash: device, lastSeenAt: T + 7 }]);
  });

  it('uses a revocation link once, and only with its secret before it expires', async () => {
    const link = { id: newId(), secretHash: hashOf('link-secret'), userId: 'u-link', sessionId: 's-1', expiresAt: T + HOUR };
    await store.saveRevocationLink(link);
    expect(await store.consumeRevocationLink(link.id, hashOf('forged'), T)).toBeNull();
    expect(await store.consumeRevocationLink(link.id, link.secretHash, T + HOUR)).toBeNull();
    const used = await store.consumeRevocationLink(link.id, link.secretHash, T);
    expect(used).toEqual({ ...link, secretHash: Buffer.from(link.secretHash) });
    expect(await store.consumeRevocationLink(link.id, link.secretHash, T)).toBeNull();
    // Used up, the id is free again; saved twice, it is refused.
    await store.saveRevocationLink(link);
    const duplicate: unknown = await store.saveRevocationLink(link).catch((error: unknown) => error);
    expect(duplicate).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('hands a link to exactly one of many concurrent uses', async () => {
    const link = { id: newId(), secretHash: hashOf('race'), userId: 'u-race', sessionId: 's-2', expiresAt: T + HOUR };
    await store.saveRevocationLink(link);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.consumeRevocationLink(link.id, link.secretHash, T)));
    expect(outcomes.filter((outcome) => outcome !== null)).toHaveLength(1);
  });

  it('counts rows per kind', async () => {
    await store.create(record('u-stats'), { replaceDevice: false });
    const revoked = await store.create(record('u-stats'), { replaceDevice: false });
    await store.revoke(revoked.session.id, { at: T + 1, reason: 'sign_out' });
    await store.create(record('u-stats', { kind: 'api', maxAge: 10 }), { replaceDevice: false });
    // Epochs do not count: a session under an epoch is still "live" here.
    await store.revokeAll('u-stats', { kinds: ['browser'], at: T + 2 });
    const stats = await store.stats(T + 100);
    expect({ ...stats }).toEqual({ browser: { live: 1, revoked: 1, expired: 0 }, api: { live: 0, revoked: 0, expired: 1 } });
    expect({ ...(await store.stats(T + 2 * HOUR)) }).toEqual({ browser: { live: 0, revoked: 0, expired: 2 }, api: { live: 0, revoked: 0, expired: 1 } });
  });
}));

describe.skipIf(!up)('postgres store capabilities: pruning and notices', () => {
  const pool = up ? testPool({ max: 4 }) : (undefined as never as pg.Pool);
  let schema: string;
  let store: PostgresStore;

  beforeEach(async () => {
    schema = freshSchema('capp');
    created.push(schema);
    store = postgresStore({ pool, schema });
    await store.migrate();
    return async () => {
      await store.close();
    };
  });

  afterAll(async () => {
    if (up) await pool.end();
  });

  const count = async (table: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`)).rows[0]!.n);

  it('prunes entries, known devices and links that ran out, in bounded batches that do not count as sessions', async () => {
    await store.appendActivity(Array.from({ length: 25 }, (_, index) => entry(`old-${index.toString().padStart(2, '0')}`, { userId: 'u', at: T - index })));
    await store.appendActivity([entry('new', { userId: 'u', at: T + 1 })]);
    for (let index = 0; index < 12; index++) await store.rememberDevice('u', `device-${index}`.padEnd(43, '.'), T - index);
    await store.rememberDevice('u', 'fresh'.padEnd(43, '.'), T + 1);
    for (let index = 0; index < 11; index++) {
      await store.saveRevocationLink({ id: newId(), secretHash: hashOf('x'), userId: 'u', sessionId: 's', expiresAt: index < 10 ? T : T + HOUR });
    }
    // No cut-offs: only links that expired go.
    expect(await store.prune({ now: T, limit: 4 })).toBe(0);
    expect([await count('sessions_activity'), await count('sessions_devices'), await count('sessions_links')]).toEqual([26, 13, 7]);
    const batches: number[][] = [];
    for (;;) {
      const before = [await count('sessions_activity'), await count('sessions_devices'), await count('sessions_links')];
      expect(await store.prune({ now: T, limit: 4, activityBefore: T, devicesBefore: T })).toBe(0);
      const after = [await count('sessions_activity'), await count('sessions_devices'), await count('sessions_links')];
      const deleted = before.map((value, index) => value - after[index]!);
      if (deleted.every((value) => value === 0)) break;
      batches.push(deleted);
    }
    // At most the batch size from each table per call.
    expect(batches.every((deleted) => deleted.every((value) => value <= 4))).toBe(true);
    expect(batches.map((deleted) => deleted[0])).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect((await store.listActivity('u', { limit: 100 })).map((item) => item.id)).toEqual(['new']);
    expect(await store.listDevices('u')).toEqual([{ deviceHash: 'fresh'.padEnd(43, '.'), lastSeenAt: T + 1 }]);
    expect(await count('sessions_links')).toBe(1);
  });

  it('serialises concurrent sign-ins of a tenant with its revocations, without deadlock, and covers them all', async () => {
    // Clocks up to a minute apart; users sign in twice each, with "sign out everywhere" and
    // tenant revocations in between, all at once over several connections.
    const skew = (index: number): number => T + ((index * 7919) % 60_000);
    const work: Promise<unknown>[] = [];
    for (let index = 0; index < 40; index++) {
      const userId = `tenant-user-${index % 10}`;
      work.push(store.create(record(userId, { tenantId: 'busy', createdAt: skew(index), deviceKey: `d${index % 3}` }), { replaceDevice: true }));
      if (index % 8 === 0) work.push(store.revokeTenant('busy', { kinds: ['browser'], at: skew(index + 1) }));
      if (index % 10 === 0) work.push(store.revokeAll(userId, { kinds: ['browser'], at: skew(index + 2) }));
    }
    await Promise.all(work);
    // Every session signed in so far is covered by a revocation from a clock behind them all.
    const epochs = await store.revokeTenant('busy', { kinds: ['browser'], at: T });
    const { rows } = await pool.query<{ newest: string }>(`SELECT max(created_at)::text AS newest FROM "${schema}".sessions`);
    expect(epochs['browser']).toBeGreaterThanOrEqual(Number(rows[0]!.newest));
    // And the next sign-in starts after it.
    const next = await store.create(record('tenant-user-0', { tenantId: 'busy', createdAt: T }), { replaceDevice: false });
    expect(next.session.createdAt).toBe(epochs['browser']! + 1);
  });

  it.each(['pg', 'postgres.js'] as const)('publishes a tenant revocation as a tenant notice, and still reads a bare user id (LISTEN on %s)', async (client) => {
    const listener = postgresStore({ pool: client === 'pg' ? pool : pools.js, schema });
    const heard: RevocationNotice[] = [];
    const unsubscribe = listener.subscribe!((notice) => heard.push(notice));
    try {
      // Wait for LISTEN: a probe user's revocation comes through.
      await timeUntil(async () => {
        await store.revokeAll('probe', { kinds: ['browser'], at: T });
        await new Promise((resolve) => setTimeout(resolve, 20));
        return heard.some((notice) => notice.userId === 'probe');
      }, 10_000);
      heard.length = 0;
      // A probe sent just before LISTEN was seen may still arrive: it is not what this test reads.
      const notices = (): RevocationNotice[] => heard.filter((notice) => notice.userId !== 'probe');
      await store.revokeTenant('acme', { kinds: ['browser', 'api'], at: T });
      // A user whose id looks like a tenant's notice is a user; so is what an older release sends.
      const lookalike = '{"tenantId":"acme"}';
      await store.revokeAll(lookalike, { kinds: ['browser'], at: T });
      await pool.query('SELECT pg_notify($1, $2)', [`${schema}.sessions`, 'old-release-user']);
      await timeUntil(async () => notices().length >= 3, 10_000);
      expect(notices()).toEqual([{ userId: '', tenantId: 'acme' }, { userId: lookalike }, { userId: 'old-release-user' }]);
    } finally {
      unsubscribe();
      await listener.close();
    }
  });
});
