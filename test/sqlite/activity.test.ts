import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { ActivityRecord, NewSessionRecord } from '../../src/store.js';
import { mintToken } from '../../src/token.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const HOUR = 3_600_000;

const record = (userId: string, overrides: Partial<NewSessionRecord> = {}): NewSessionRecord => {
  const { id, secretHash } = mintToken();
  const createdAt = overrides.createdAt ?? Date.now();
  return { id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge: HOUR, ...overrides };
};

let entries = 0;
const entry = (userId: string | undefined, overrides: Partial<ActivityRecord> = {}): ActivityRecord => {
  entries += 1;
  return { id: `e${String(entries).padStart(6, '0')}`, userId, type: 'session.created', at: Date.now(), reason: 'sign_in', ...overrides };
};

const hash = (text: string): Buffer => createHash('sha256').update(text).digest();

describe('sqlite store: activity written with what it records', () => {
  it('writes a sign-in entry and one derived entry per replaced, then evicted, session in the same transaction', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const deviceKey = 'Chrome|Mac OS';
    const now = Date.now();
    const { session: onDevice } = await store.create(record('ann', { deviceKey, tenantId: 'acme', createdAt: now - 3_000 }), { replaceDevice: false });
    const { session: oldest } = await store.create(record('ann', { tenantId: 'acme', createdAt: now - 2_000 }), { replaceDevice: false });
    await store.create(record('ann', { tenantId: 'acme', createdAt: now - 1_000 }), { replaceDevice: false });
    const signIn = entry('ann', { id: 'sign-in', tenantId: 'acme', deviceLabel: 'Chrome on Mac OS', ip: '203.0.113.9' });
    const result = await store.create(record('ann', { deviceKey, tenantId: 'acme', createdAt: now }), {
      replaceDevice: true,
      limit: { max: 2, onLimit: 'evict-oldest', idleBefore: 0 },
      activity: signIn,
    });
    expect(result.replacedIds).toEqual([onDevice.id]);
    expect(result.evictedIds).toEqual([oldest.id]);
    const listed = await store.listActivity!('ann', { limit: 10 });
    expect(listed).toEqual([
      { id: 'sign-in.1', userId: 'ann', tenantId: 'acme', type: 'session.revoked', at: signIn.at, reason: 'session_limit', sessionId: oldest.id },
      { id: 'sign-in.0', userId: 'ann', tenantId: 'acme', type: 'session.revoked', at: signIn.at, reason: 'replaced', sessionId: onDevice.id },
      signIn,
    ]);
    await store.close?.();
  });

  it('writes nothing when the change does not happen, and no change when the entry cannot be written', async () => {
    const database = new Database(':memory:');
    const store = sqliteStore({ database });
    const { session } = await store.create(record('bea'), { replaceDevice: false, activity: entry('bea', { id: 'first' }) });
    // A refused sign-in: no session, no entry.
    const refused = store.create(record('bea'), { replaceDevice: false, limit: { max: 1, onLimit: 'refuse', idleBefore: 0 }, activity: entry('bea', { id: 'refused' }) });
    await expect(refused).rejects.toMatchObject({ code: 'SESSION_LIMIT', message: 'The session limit of this user and kind is reached.' });
    // Revoking a tombstone writes no second entry.
    expect(await store.revoke(session.id, { at: Date.now(), reason: 'sign_out', activity: entry('bea', { id: 'revoked' }) })).not.toBeNull();
    expect(await store.revoke(session.id, { at: Date.now(), reason: 'sign_out', activity: entry('bea', { id: 'again' }) })).toBeNull();
    expect((await store.listActivity!('bea', { limit: 10 })).map((row) => row.id)).toEqual(['revoked', 'first']);

    // An entry whose id is taken fails the whole step: the session is not inserted and the
    // epochs are not raised.
    const duplicate = store.create(record('bea'), { replaceDevice: false, activity: entry('bea', { id: 'first' }) });
    await expect(duplicate).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'An activity entry with this id already exists.' });
    await expect(store.revokeAll('bea', { kinds: ['api'], at: 99, activity: entry('bea', { id: 'first' }) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await store.listByUser('bea')).sessions).toHaveLength(1);
    expect((await store.getRevocationState('bea')).epochs).toEqual({});
    expect(database.prepare('SELECT count(*) FROM session_revocation_activity').pluck().get()).toBe(2);
    database.close();
  });

  it('records revokeOthers once even when it revoked nothing, and revokeAll and revokeTenant with their entries', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const { session } = await store.create(record('cid', { tenantId: 'acme' }), { replaceDevice: false });
    await store.revokeOthers('cid', { keepSessionId: session.id, kinds: ['browser'], at: Date.now(), reason: 'sign_out', activity: entry('cid', { id: 'a1' }) });
    await store.revokeAll('cid', { kinds: ['api'], at: Date.now(), activity: entry('cid', { id: 'a2' }) });
    await store.revokeTenant!('acme', { kinds: ['browser'], at: Date.now(), activity: entry(undefined, { id: 'a3', tenantId: 'acme', type: 'tenant.sessions_invalidated' }) });
    expect((await store.listActivity!('cid', { limit: 10 })).map((row) => row.id)).toEqual(['a2', 'a1']);
    const merged = await store.listActivity!('cid', { limit: 10, tenantId: 'acme' });
    expect(merged.map((row) => row.id)).toEqual(['a3', 'a2', 'a1']);
    expect(merged[0]!.userId).toBeUndefined();
    await store.close?.();
  });

  it('pages by id in byte order, newest first, the cursor exclusive, merging the tenant entries and no one else', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    // Byte order: digits < upper case < "_" < lower case; "é" would be after all of them.
    const ids = ['0', 'A', 'Z', '_', 'a', 'z', 'z.0', 'z.1'];
    await store.appendActivity!([...ids].reverse().map((id) => entry('dan', { id })));
    await store.appendActivity!([entry(undefined, { id: 'b-tenant', tenantId: 't' }), entry('eve', { id: 'c-other', tenantId: 't' }), entry(undefined, { id: 'y-else', tenantId: 'u' })]);
    const all = await store.listActivity!('dan', { limit: 100, tenantId: 't' });
    expect(all.map((row) => row.id)).toEqual(['z.1', 'z.0', 'z', 'b-tenant', 'a', '_', 'Z', 'A', '0']);
    const pages: string[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await store.listActivity!('dan', { limit: 4, tenantId: 't', before });
      if (page.length === 0) break;
      pages.push(page.map((row) => row.id));
      before = page.at(-1)!.id;
    }
    expect(pages).toEqual([
      ['z.1', 'z.0', 'z', 'b-tenant'],
      ['a', '_', 'Z', 'A'],
      ['0'],
    ]);
    expect((await store.listActivity!('dan', { limit: 2, before: 'a' })).map((row) => row.id)).toEqual(['_', 'Z']);
    // The tenant's entries are merged on a page after a cursor as well.
    expect((await store.listActivity!('dan', { limit: 2, tenantId: 't', before: 'z' })).map((row) => row.id)).toEqual(['b-tenant', 'a']);
    await store.close?.();
  });

  it('reads, erases and prunes entries, devices and links by index searches, never a table scan', async () => {
    const statements: string[] = [];
    const database = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) });
    const store = sqliteStore({ database });
    await store.appendActivity!([entry('kim', { tenantId: 't' }), entry(undefined, { tenantId: 't' })]);
    await store.rememberDevice!('kim', 'd'.repeat(43), 5);
    statements.length = 0;
    await store.listActivity!('kim', { limit: 10 });
    await store.listActivity!('kim', { limit: 10, before: 'x' });
    await store.listActivity!('kim', { limit: 10, tenantId: 't' });
    await store.listActivity!('kim', { limit: 10, tenantId: 't', before: 'x' });
    await store.rememberDevice!('kim', 'd'.repeat(43), 6);
    await store.listDevices!('kim');
    await store.consumeRevocationLink!('L'.repeat(22), hash('x'), 5);
    await store.prune({ now: 5, limit: 10, activityBefore: 5, devicesBefore: 5 });
    await store.eraseUser('kim');
    const touching = statements.filter((sql) => /session_revocation_(activity|devices|links)/.test(sql));
    expect(touching.length).toBeGreaterThanOrEqual(13);
    for (const sql of touching) {
      const plan = (database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
      const scans = plan.filter((detail) => /^SCAN session_revocation_(activity|devices|links)\b/.test(detail));
      expect({ sql, scans }).toEqual({ sql, scans: [] });
    }
    database.close();
  });
});

describe('sqlite store: appending nothing', () => {
  it('takes no write lock, so it answers at once while another connection writes', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename, busyTimeout: 200 });
    await store.appendActivity!([entry('kit')]);
    const writer = new Database(filename);
    writer.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.appendActivity!([])).resolves.toBeUndefined();
      // A real entry waits for the lock and, still taken past the busy timeout, is refused.
      await expect(store.appendActivity!([entry('kit')])).rejects.toThrow();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      await store.close?.();
    }
  });
});

describe('sqlite store: known devices', () => {
  it('keeps the latest time seen and answers the one before', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const device = 'D'.repeat(43);
    expect(await store.rememberDevice!('fay', device, 1_000)).toBeNull();
    expect(await store.rememberDevice!('fay', device, 3_000)).toBe(1_000);
    expect(await store.rememberDevice!('fay', device, 2_000)).toBe(3_000);
    expect(await store.rememberDevice!('gus', device, 500)).toBeNull();
    expect(await store.listDevices!('fay')).toEqual([{ deviceHash: device, lastSeenAt: 3_000 }]);
    await store.close?.();
  });
});

describe('sqlite store: revocation links', () => {
  it('uses a link once across two connections, and a forged or late use leaves nothing used up', async () => {
    const filename = files.next();
    const one = sqliteStore({ filename });
    const two = sqliteStore({ filename });
    const now = Date.now();
    const link = { id: 'L'.repeat(22), secretHash: hash('secret'), userId: 'hal', sessionId: 'S'.repeat(22), expiresAt: now + 60_000 };
    await one.saveRevocationLink!(link);
    await expect(one.saveRevocationLink!(link)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'A revocation link with this id already exists.' });
    expect(await two.consumeRevocationLink!(link.id, hash('forged'), now)).toBeNull();
    expect(await two.consumeRevocationLink!(link.id, hash('secret').subarray(0, 16), now)).toBeNull();
    expect(await two.consumeRevocationLink!(link.id, hash('secret'), link.expiresAt)).toBeNull();
    const [first, second] = await Promise.all([one.consumeRevocationLink!(link.id, hash('secret'), now), two.consumeRevocationLink!(link.id, hash('secret'), now)]);
    const used = [first, second].filter((answer) => answer !== null);
    expect(used).toHaveLength(1);
    expect({ ...used[0]!, secretHash: Buffer.from(used[0]!.secretHash) }).toEqual({ ...link, secretHash: hash('secret') });
    expect(await one.consumeRevocationLink!(link.id, hash('secret'), now)).toBeNull();
    await one.close?.();
    await two.close?.();
  });
});

describe('sqlite store: prune of what ran out', () => {
  it('deletes one bounded batch of sessions and one shared by entries, devices and links per call, only what ran out, and counts only sessions', async () => {
    const database = new Database(':memory:');
    const store = sqliteStore({ database });
    const now = Date.now();
    for (let index = 0; index < 5; index++) {
      await store.create(record('ivy', { createdAt: now - 2 * HOUR + index }), { replaceDevice: false });
      await store.appendActivity!([entry('ivy', { at: now - 10_000 + index })]);
      await store.rememberDevice!('ivy', `device-${index}`.padEnd(43, '.'), now - 10_000 + index);
      await store.saveRevocationLink!({ id: `link-${index}`.padEnd(22, '.'), secretHash: hash(String(index)), userId: 'ivy', sessionId: 'S'.repeat(22), expiresAt: now - 1_000 + index });
    }
    await store.create(record('ivy'), { replaceDevice: false });
    await store.appendActivity!([entry('ivy', { id: 'recent', at: now })]);
    await store.rememberDevice!('ivy', 'recent'.padEnd(43, '.'), now);
    await store.saveRevocationLink!({ id: 'recent'.padEnd(22, '.'), secretHash: hash('r'), userId: 'ivy', sessionId: 'S'.repeat(22), expiresAt: now + HOUR });
    const count = (table: string): unknown => database.prepare(`SELECT count(*) FROM session_revocation_${table}`).pluck().get();

    const counts = (): unknown[] => ['sessions', 'activity', 'devices', 'links'].map(count);
    // Without the cut-off times, entries and devices stay; expired links go anyway.
    expect(await store.prune({ now, limit: 2 })).toBe(2);
    expect(counts()).toEqual([4, 6, 6, 4]);
    // Sessions get their own batch; entries, devices and links share one, oldest entries first.
    const options = { now, limit: 2, activityBefore: now - 1, devicesBefore: now - 1 };
    expect(await store.prune(options)).toBe(2);
    expect(counts()).toEqual([2, 4, 6, 4]);
    expect(database.prepare('SELECT at FROM session_revocation_activity ORDER BY at').pluck().all()).toEqual([now - 9_998, now - 9_997, now - 9_996, now]);
    const personal = (): number => (counts().slice(1) as number[]).reduce((sum, value) => sum + value, 0);
    const sessionsDeleted: number[] = [];
    for (let calls = 0; calls < 20; calls++) {
      const before = personal();
      sessionsDeleted.push(await store.prune(options));
      const removed = before - personal();
      expect(removed).toBeLessThanOrEqual(2);
      if (removed === 0) break;
    }
    expect(sessionsDeleted.slice(0, 2)).toEqual([1, 0]);
    expect(counts()).toEqual([1, 1, 1, 1]);
    expect((await store.listActivity!('ivy', { limit: 10 })).map((row) => row.id)).toEqual(['recent']);
    database.close();
  });
});

describe('sqlite store: stats', () => {
  it('counts live, revoked and expired rows per kind, epochs not applied', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const now = Date.now();
    await store.create(record('jo'), { replaceDevice: false });
    await store.create(record('jo', { kind: '__proto__' }), { replaceDevice: false });
    const { session } = await store.create(record('jo'), { replaceDevice: false });
    await store.revoke(session.id, { at: now, reason: 'sign_out' });
    await store.create(record('jo', { createdAt: now - 2 * HOUR }), { replaceDevice: false });
    await store.revokeAll('jo', { kinds: ['browser'], at: now });
    const stats = await store.stats!(now + 1);
    expect(Object.getPrototypeOf(stats)).toBeNull();
    expect(Object.entries(stats).sort()).toEqual([
      ['__proto__', { live: 1, revoked: 0, expired: 0 }],
      ['browser', { live: 1, revoked: 1, expired: 1 }],
    ]);
    await store.close?.();
  });
});
