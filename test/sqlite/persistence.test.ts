import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { configureOwnedDatabase } from '../../adapters/sqlite/schema.js';
import { storeOperations } from '../../src/storage/index.js';
import { createSessionManager } from '../../src/index.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const secret = 'persistence-test-secret-of-32-bytes!';
const chromeMac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe('sqlite store: close and reopen', () => {
  it('keeps sessions, epochs, tombstones and deny-list entries, and the manager reads them after a restart', async () => {
    const filename = files.next();
    const before = createSessionManager({ store: sqliteStore({ filename }), accessTokens: { secret } });
    const kept = await before.create({ userId: 'alice', userAgent: chromeMac, ip: '203.0.113.7', tenantId: 't1', data: { plan: 'pro', seats: 3 }, persistent: false });
    expect((await before.reauthenticated(kept.session.id))?.id).toBe(kept.session.id);
    const revoked = await before.create({ userId: 'alice', kind: 'api' });
    const revokedJwt = await before.issueAccessToken(revoked.session);
    expect(await before.revoke(revoked.session.id)).toBe(true);
    const bob = await before.create({ userId: 'bob' });
    const { epochs: bobEpochs } = await before.revokeAll('bob');
    const carolOld = await before.create({ userId: 'carol', userAgent: chromeMac });
    const carolNew = await before.create({ userId: 'carol', userAgent: chromeMac });
    const stored = (await before.store.get(kept.session.id))!.session;
    const aliceState = await storeOperations(before.store).getRevocationState('alice');
    expect(aliceState.denied[revoked.session.id]).toBeGreaterThan(Date.now());
    await before.close();

    const raw = sqliteStore({ filename });
    const store = storeOperations(raw);
    const reread = (await store.get(kept.session.id))!;
    expect(reread.session).toEqual(stored);
    expect(reread.session.persistent).toBe(false);
    expect(Buffer.from(reread.session.secretHash).equals(Buffer.from(stored.secretHash))).toBe(true);
    const tombstone = (await store.get(revoked.session.id))!.session;
    expect(tombstone.revokedReason).toBe('revoked');
    expect(tombstone.revokedAt).toBeDefined();
    expect((await store.get(carolOld.session.id))!.session.revokedReason).toBe('replaced');
    expect(await store.getRevocationState('alice')).toEqual(aliceState);
    expect((await store.getRevocationState('bob')).epochs).toEqual(bobEpochs);

    const after = createSessionManager({ store: raw, accessTokens: { secret } });
    const valid = await after.validate(kept.token);
    expect(valid.ok).toBe(true);
    if (valid.ok) {
      expect(valid.session.userId).toBe('alice');
      expect(valid.session.data).toEqual({ plan: 'pro', seats: 3 });
      expect(valid.session.tenantId).toBe('t1');
    }
    expect(await after.validate(revoked.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await after.validate(bob.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await after.validate(carolOld.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await after.validate(carolNew.token)).ok).toBe(true);
    expect(await after.verifyAccessToken(revokedJwt)).toEqual({ ok: false, reason: 'revoked' });
    const bobAgain = await after.create({ userId: 'bob' });
    expect((await after.validate(bobAgain.token)).ok).toBe(true);
    expect((await after.list('alice')).map((view) => view.id)).toEqual([kept.session.id]);
    await after.close();
  });

  it('keeps synchronous FULL on a file it opens, new or already in WAL mode, so a sign-out it answered survives a power loss', async () => {
    const filename = files.next();
    for (const round of ['new file', 'reopened']) {
      const db = new Database(filename);
      try {
        await configureOwnedDatabase(db, 1_000);
        expect([round, db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual([round, 'wal', 2]);
      } finally {
        db.close();
      }
    }
  });

  it('leaves the file in WAL mode with every table and schema version 1 recorded', async () => {
    const filename = files.next();
    const store = storeOperations(sqliteStore({ filename }));
    await store.revokeAll('u', { kinds: ['browser'], at: 1_000 });
    await store.close?.();
    const raw = new Database(filename, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare("SELECT value FROM session_revocation_meta WHERE key = 'schema_version'").pluck().get()).toBe(1);
      // One migration creates them all.
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(
        ['activity', 'denied', 'devices', 'epochs', 'high_water', 'keys', 'meta', 'owners', 'sessions'].map((name) => `session_revocation_${name}`),
      );
      expect(raw.prepare('SELECT epoch FROM session_revocation_epochs').pluck().all()).toEqual([1_000]);
    } finally {
      raw.close();
    }
  });
});
