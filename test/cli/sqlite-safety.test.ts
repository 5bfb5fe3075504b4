import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';
import { tempDatabases } from '../sqlite/temp.js';
import { DAY, UA } from '../support/clock.js';
import { cli } from './bin.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

describe('the CLI on an SQLite file the app uses', () => {
  it('a mistyped --table-prefix fails with one line and exit 1, creating nothing and signing no one out', async () => {
    const filename = files.next();
    expect((await cli(['migrate', '--store', `sqlite:${filename}`])).code).toBe(0);
    const store = sqliteStore({ filename });
    const sessions = createSessionManager({ store });
    try {
      const { token } = await sessions.create({ userId: 'alice' });
      for (const args of [['revoke-user', 'alice'], ['list', 'alice'], ['prune']]) {
        const run = await cli([...args, '--store', `sqlite:${filename}`, '--table-prefix', 'typo_']);
        expect(run).toEqual({ code: 1, stdout: '', stderr: `session-revocation: no session tables (prefix "typo_") in ${filename}: run session-revocation migrate first, or check --table-prefix\n` });
      }
      expect((await sessions.validate(token)).ok).toBe(true);
      expect((await cli(['migrate', '--store', `sqlite:${filename}`, '--table-prefix', 'typo_'])).stdout).toMatch(/^Created the SQLite session tables \(prefix "typo_"\)/);
    } finally {
      await sessions.close();
      await store.close();
    }
  });

  it('prune keeps account activity and known devices, whose retention (here a year) only the app knows', async () => {
    const filename = files.next();
    expect((await cli(['migrate', '--store', `sqlite:${filename}`])).code).toBe(0);
    const store = sqliteStore({ filename });
    let now = Date.now() - 120 * DAY;
    const sessions = createSessionManager({ store, clock: () => now, activityRetention: 365 * DAY, knownDeviceWindow: 365 * DAY, kinds: { api: { maxAge: 365 * DAY } } });
    try {
      await sessions.create({ userId: 'alice', kind: 'api', userAgent: UA.chromeMac, ip: '203.0.113.9' });
      now = Date.now();
      const [activity, { devices }] = [await sessions.activity('alice'), await sessions.exportUser('alice')];
      expect([activity.length, devices.length]).toEqual([1, 1]);
      expect(await cli(['prune', '--store', `sqlite:${filename}`])).toMatchObject({ code: 0, stdout: 'Deleted 0 expired sessions.\n' });
      expect([await sessions.activity('alice'), (await sessions.exportUser('alice')).devices]).toEqual([activity, devices]);
    } finally {
      await sessions.close();
      await store.close();
    }
  });
});
