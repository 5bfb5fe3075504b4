import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { codeOf, newRecord } from '../../src/testing/store/fixtures.js';
import { UA } from '../support/clock.js';
import { dropPrefixes, freshPrefix, lockWaitOn, mysqlUp, testMysqlPool, watchedMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

const USERS = 6;
const PER_USER = 50;
const agents = Object.values(UA);

// Few users with many sessions each: a share of the table large enough that the server may
// scan it rather than use the (user_id, kind) index.
describe.skipIf(!up)("mysql store: one user's writes never wait for another user's rows", () => {
  const poolA = testMysqlPool();
  const poolB = testMysqlPool();
  const prefix = freshPrefix('lock');
  // Sign-ins of a user wait for nothing of another user: 1.5 s is plenty on a loaded machine.
  const store = (pool: typeof poolA, statementTimeout = 1_500): MysqlStore => mysqlStore({ pool, prefix, statementTimeout });
  const firstIds: string[] = [];

  beforeAll(async () => {
    await store(poolA).migrate();
    const seeding = createSessionManager({ store: store(poolA, 30_000) });
    // Users in parallel, each user's sign-ins one after another: 50 racing sign-ins of one user
    // would outlast the manager's bounded retries (optimistic versions), which is not under test here.
    const seeded = await Promise.all(
      Array.from({ length: USERS }, async (_, user) => {
        const ids: string[] = [];
        for (let i = 0; i < PER_USER; i++) ids.push((await seeding.create({ userId: `u${user}`, userAgent: agents[i % agents.length]! })).session.id);
        return ids[0]!;
      }),
    );
    firstIds.push(...seeded);
    await seeding.close();
  }, 120_000);

  afterAll(async () => {
    await dropPrefixes(poolA, [prefix]);
    await poolA.end();
    await poolB.end();
  });

  it("a sign-in with a cap and a device key, and sign out of other devices, go through while another user's session row is locked", async () => {
    const sessions = createSessionManager({ store: store(poolA), maxSessions: 100 });
    const holder = await poolB.getConnection();
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT id FROM \`${prefix}sessions\` WHERE id = ? FOR UPDATE`, [Buffer.from(firstIds[0]!)]);
      const { session } = await sessions.create({ userId: 'u1', userAgent: UA.chromeMac });
      expect(session.userId).toBe('u1');
      expect((await sessions.revokeOthers('u1', session.id)).revokedIds.length).toBeGreaterThan(0);
      expect((await sessions.eraseUser('u2', { by: 'test' })).deletedSessions).toBeGreaterThan(0);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await sessions.close();
    }
  });

  it('400 mixed calls of two app servers over six users under a cap of 3 all succeed (no deadlock, no lock wait timeout), and the cap holds', async () => {
    const a = createSessionManager({ store: store(poolA, 10_000), maxSessions: 3 });
    const b = createSessionManager({ store: store(poolB, 10_000), maxSessions: 3 });
    let evicted = 0;
    for (const manager of [a, b]) manager.on('session.revoked', (event) => void (event.reason === 'session_limit' && (evicted += 1)));
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const calls = Array.from({ length: 20 }, async (_, i) => {
        const manager = i % 2 === 0 ? a : b;
        const userId = `u${(round + i) % USERS}`;
        const userAgent = agents[(round * 7 + i) % agents.length]!;
        if (i % 5 === 4) {
          const listed = await manager.list(userId);
          return codeOf(listed.length > 0 ? manager.revokeOthers(userId, listed[0]!.id) : Promise.resolve());
        }
        return codeOf(manager.create({ userId, userAgent }));
      });
      outcomes.push(...(await Promise.all(calls)));
    }
    expect(outcomes.filter((outcome) => outcome !== 'created')).toEqual([]);
    // Most users held 8 live sessions (one per User-Agent) before: the cap had to evict.
    expect(evicted).toBeGreaterThan(0);
    for (let user = 0; user < USERS; user++) expect((await a.list(`u${user}`)).length).toBeLessThanOrEqual(3);
    await a.close();
    await b.close();
  }, 120_000);

  it("a sign-in chosen as a deadlock's victim is run again, within what is left of its time, and succeeds", async () => {
    // The time each CALL gives the server (its last value), as sent.
    const waits: number[] = [];
    const recording = watchedMysqlPool(poolA, (sql, values) => void (sql.startsWith('CALL') && waits.push(values.at(-1) as number)));
    const signIns = mysqlStore({ pool: recording, prefix, statementTimeout: 10_000 });
    await storeOperations(signIns).create(newRecord(storeOperations(signIns), 'dl-user', { tenantId: 'dl-tenant' }), { replaceDevice: false });
    const holder = await poolB.getConnection();
    try {
      // A transaction heavier than a sign-in (InnoDB rolls back the lighter one), holding the
      // tenant's high-water row, then asking for the user's version row while the sign-in holds it.
      await holder.query(`CREATE TABLE \`${prefix}scratch\` (n INT PRIMARY KEY) ENGINE=InnoDB`);
      await holder.query('START TRANSACTION');
      await holder.query(`INSERT INTO \`${prefix}scratch\` (n) VALUES ${Array.from({ length: 300 }, (_, n) => `(${n})`).join(', ')}`);
      await holder.query(`SELECT at FROM \`${prefix}high_water\` WHERE scope = 't' AND owner = ? FOR UPDATE`, [Buffer.from('dl-tenant')]);
      const signingIn = storeOperations(signIns).create(newRecord(storeOperations(signIns), 'dl-user', { tenantId: 'dl-tenant' }), { replaceDevice: false });
      await lockWaitOn(poolB, `${prefix}high_water`);
      await holder.query(`SELECT version FROM \`${prefix}owners\` WHERE scope = 'u' AND owner = ? FOR UPDATE`, [Buffer.from('dl-user')]);
      await holder.query('COMMIT');
      const { session } = await signingIn;
      expect((await signIns.get(session.id))?.session.id).toBe(session.id);
      // The seeding sign-in, then the deadlocked one and its retry, which had less time left.
      expect(waits).toHaveLength(3);
      expect(waits[2]).toBeLessThan(waits[1]!);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
