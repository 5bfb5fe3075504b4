import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';

const folder = mkdtempSync(join(tmpdir(), 'prune-yield-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// SQLite's driver is synchronous: without a yield between its rounds, a prune working through a backlog would hold the
// event loop (no request, no timer) until the whole backlog is gone.
it('a SQLite prune working through a backlog of activity lets the app run between its batches', async () => {
  const database = new BetterSqlite3(join(folder, 'sessions.db'));
  const sessions = createSessionManager({ store: sqliteStore({ database }), pruneBatchSize: 100 });
  try {
    await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    const table = (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%activity%'").get() as { name: string }).name;
    database.exec(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) INSERT INTO "${table}" (id, user_id, tenant_id, at, entry) SELECT 'a' || n, 'u', NULL, 1, '{}' FROM g`);
    const left = () => (database.prepare(`SELECT count(*) AS n FROM "${table}" WHERE at = 1`).get() as { n: number }).n;
    const pruning = sessions.prune();
    // Queued before the prune's first batch ends: it runs while the backlog is still being deleted.
    await setImmediate();
    const midway = left();
    await pruning;
    expect({ midwayPartly: midway > 0 && midway < 1000, after: left() }).toEqual({ midwayPartly: true, after: 0 });
  } finally {
    await sessions.close();
    database.close();
  }
});

// Each worker of a cluster prunes on its own timer: a backlog of expired sessions (a first run, a long downtime) went batch after batch
// with no turn for the app in between, so that worker answered no request until the whole backlog was gone.
it('a SQLite prune working through a backlog of expired sessions lets the app run between its batches', async () => {
  const filename = join(folder, 'expired.db');
  const sessions = createSessionManager({ store: sqliteStore({ filename }), pruneBatchSize: 100 });
  // Another connection on the file, as another process or the CLI has.
  const other = new BetterSqlite3(filename);
  try {
    await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    other.exec(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000)
      INSERT INTO session_revocation_sessions (id, user_id, tenant_id, kind, expires_at, last_used_at, authenticated_at, revoked_at, revoked_reason, record)
      SELECT 'expired-' || n, 'u', NULL, 'browser', 1, 1, 1, NULL, NULL, '{}' FROM g`);
    const left = () => (other.prepare('SELECT count(*) AS n FROM session_revocation_sessions WHERE expires_at = 1').get() as { n: number }).n;
    const pruning = sessions.prune();
    // Queued before the prune's first batch ends: it runs while the backlog is still being deleted.
    await setImmediate();
    const midway = left();
    expect(await pruning).toBe(1000);
    expect({ midwayPartly: midway > 0 && midway < 1000, after: left(), kept: (await sessions.list('u')).length }).toEqual({ midwayPartly: true, after: 0, kept: 1 });
  } finally {
    await sessions.close();
    other.close();
  }
});
