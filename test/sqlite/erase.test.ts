import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager } from '../../src/index.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('sqlite store: a user erased', () => {
  it('leaves nothing of the user in any table but its epochs', async () => {
    const database = new Database(':memory:');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    const user = 'erased-user@example.com';
    const laptop = await sessions.create({ userId: user, userAgent: CHROME, ip: '203.0.113.7' });
    const phone = await sessions.create({ userId: user, kind: 'api' });
    await sessions.revoke(phone.session.id);
    await sessions.create({ userId: 'bystander', userAgent: CHROME });
    expect(await sessions.eraseUser(user)).toEqual({ deletedSessions: 2 });
    // Every table, every row, as text: only the epochs rows may still name the user.
    const tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const left: string[] = [];
    for (const { name } of tables) {
      for (const row of database.prepare(`SELECT * FROM "${name}"`).all()) {
        const text = JSON.stringify(row);
        if (text.includes(user) || text.includes(laptop.session.id) || text.includes('203.0.113.7')) left.push(name);
      }
    }
    expect([...new Set(left)]).toEqual(['session_revocation_epochs']);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect(await sessions.list('bystander')).toHaveLength(1);
    await sessions.close();
    database.close();
  });
});
