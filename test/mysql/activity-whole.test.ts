import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

// An activity entry larger than its column holds: a store that answers `true` must keep it whole,
// else the user's activity can no longer be read (a cut JSON text).
describe.skipIf(!up)('mysql store: an activity entry is kept whole or refused', () => {
  const pool = testMysqlPool({ connectionLimit: 2 });
  const prefix = freshPrefix('whole');
  let store: MysqlStore;
  beforeAll(async () => {
    store = mysqlStore({ pool, prefix });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await dropPrefixes(pool, [prefix]);
    await pool.end();
  });

  it('never answers true for an entry it cut, and the activity already kept stays readable', async () => {
    const kept = { id: '000001700000000-000000000000a', userId: 'carol', type: 'session.created', at: 1_700_000_000_000, reason: 'sign_in' };
    await store.apply({ owner: { userId: 'carol' }, writes: [{ type: 'activity', entry: kept }] });
    const large = { id: '000001700000001-000000000000b', userId: 'carol', type: 'user.session_invalidated', at: 1_700_000_000_001, reason: 'password_changed', by: 'y'.repeat(70_000) };
    const answer = await store.apply({ owner: { userId: 'carol' }, writes: [{ type: 'activity', entry: large }] }).then(
      (applied) => applied,
      (error: { code?: string }) => error.code,
    );
    const listed = await store.listActivity!('carol', { limit: 10 });
    if (answer === true) expect(listed.find((entry) => entry.id === large.id)?.by?.length).toBe(70_000);
    else expect({ answer, listed }).toEqual({ answer: 'STORE_ERROR', listed: [kept] });
  });
});
