import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import { inBatches } from '../../src/testing/store/fixtures.js';
import { MINUTE, TestClock } from '../support/clock.js';
import { EVENTS, startTransmitter } from '../security-events/support/transmitter.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

// A database (or role) whose default isolation is stricter than READ COMMITTED: a batch that
// loses a race fails to serialize instead of matching no row, and PostgreSQL's predicate locks
// fail some that raced nothing. It is rolled back whole and sent again, judged afresh.

const up = await postgresUp();

describe.skipIf(!up)('postgres store under a stricter default isolation', () => {
  const pools: ReturnType<typeof testPool>[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    await dropSchemas(pools[0]!, schemas);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  // A pool whose connections default to `isolation`, and a migrated schema of its own on it.
  const isolated = async (isolation: string, max: number, label: string) => {
    const pool = testPool({ max, options: `-c default_transaction_isolation=${isolation.replace(' ', '\\ ')}` });
    pools.push(pool);
    const schema = freshSchema(label);
    schemas.push(schema);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    return { pool, schema, store };
  };

  for (const isolation of ['repeatable read', 'serializable']) {
    it(`${isolation}: 8 instances signing one user in at once all succeed, within the cap of 3`, async () => {
      const { pool, schema, store } = await isolated(isolation, 8, 'iso');
      expect((await pool.query('SHOW default_transaction_isolation')).rows[0]).toEqual({ default_transaction_isolation: isolation });
      const stores = [store, ...Array.from({ length: 7 }, () => postgresStore({ pool, schema, listen: false }))];
      const managers = stores.map((store) => createSessionManager({ store, maxSessions: 3 }));
      const signIns = await Promise.allSettled(managers.map((manager) => manager.create({ userId: 'ada' })));
      expect(signIns.map((outcome) => outcome.status)).toEqual(Array.from({ length: 8 }, () => 'fulfilled'));
      expect(await managers[0]!.list('ada')).toHaveLength(3);
      const revocations = await Promise.allSettled(managers.map((manager) => manager.revokeAll('ada')));
      expect(revocations.map((outcome) => outcome.status)).toEqual(Array.from({ length: 8 }, () => 'fulfilled'));
      expect(await managers[0]!.list('ada')).toEqual([]);
    });

    // A touch and a read are no batch: two requests of one browser that both find the touch due race on one row, and the loser fails to serialize.
    it(`${isolation}: 8 requests at once of one session, its touch due, are all answered (20 rounds)`, async () => {
      const { store } = await isolated(isolation, 16, 'isotouch');
      const clock = new TestClock();
      const sessions = createSessionManager({ store, clock: clock.read });
      const { token } = await sessions.create({ userId: 'ada' });
      const answers: unknown[] = [];
      for (let round = 0; round < 20; round++) {
        clock.advance(2 * MINUTE);
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => sessions.validate(token)));
        answers.push(...outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.ok : (outcome.reason as { code?: string }).code)));
      }
      await sessions.close();
      expect(answers).toEqual(Array.from({ length: 160 }, () => true));
    }, 60_000);

    // Each instance prunes on its own timer: the second to reach a due row finds it deleted since its snapshot, and fails to serialize.
    it(`${isolation}: two instances pruning one backlog at once both finish without an error; each due row goes once, no other`, async () => {
      const { pool, schema, store } = await isolated(isolation, 4, 'isoprune');
      const sibling = postgresStore({ pool, schema, listen: false });
      const clock = new TestClock();
      const managers = [store, sibling].map((s) => createSessionManager({ store: s, clock: clock.read, pruneBatchSize: 100 }));
      const brief = createSessionManager({ store, clock: clock.read, maxAge: MINUTE });
      for (let round = 0; round < 3; round++) {
        // Twenty at a time: a pool of 4 given 600 at once keeps the last waiting past the store's deadline, which counts the wait for a connection.
        const expiring = Array.from({ length: 600 }, (_, i) => `u${round}-${i}`);
        await inBatches(expiring.length, 20, (i) => brief.create({ userId: expiring[i]! }));
        const staying = await managers[0]!.create({ userId: `keep${round}` });
        clock.advance(2 * MINUTE);
        const pruned = await Promise.allSettled(managers.map((manager) => manager.prune()));
        expect(pruned.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
        // Each deleted its share (one that found the other ahead stops early, as the contract allows); a later run finds what both left.
        const later = await managers[0]!.prune();
        expect(pruned.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), later)).toBe(expiring.length);
        expect((await managers[1]!.validate(staying.token)).ok).toBe(true);
      }
      await brief.close();
      await Promise.all(managers.map((manager) => manager.close()));
    }, 60_000);
  }

  it('serializable: 16 users asking for a "This wasn\'t me" link at once all get one (a fresh id is never taken for one that exists)', async () => {
    const { store } = await isolated('serializable', 16, 'isolink');
    const sessions = createSessionManager({ store });
    try {
      const signedIn = await Promise.all(Array.from({ length: 16 }, (_, i) => sessions.create({ userId: `u${i}` })));
      for (let round = 0; round < 3; round++) {
        const links = await Promise.allSettled(signedIn.map(({ session }) => sessions.issueRevocationLink(session.id)));
        expect(links.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
      }
    } finally {
      await sessions.close();
    }
  });

  it('serializable: of 16 different SETs delivered at once none is taken for a replay; each ends its session, or rejects and its next delivery does', async () => {
    const { store } = await isolated('serializable', 16, 'isoset');
    const tx = await startTransmitter();
    const sessions = createSessionManager({ store });
    try {
      const options = { transmitters: [tx.config()] };
      const signedIn = await Promise.all(Array.from({ length: 16 }, (_, i) => sessions.create({ userId: `u${i}`, federated: { iss: tx.issuer, sub: `s${i}`, sid: `sid-${i}` } })));
      const sets = await Promise.all(signedIn.map((_, i) => tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: `sid-${i}` } })));
      const first = await Promise.allSettled(sets.map((set) => sessions.securityEvent(set, options)));
      expect(first.filter((outcome) => outcome.status === 'fulfilled' && (!outcome.value.ok || outcome.value.replayed))).toEqual([]);
      for (const [index, outcome] of first.entries()) {
        if (outcome.status === 'rejected') expect(await sessions.securityEvent(sets[index]!, options)).toMatchObject({ ok: true, replayed: false });
      }
      expect(await Promise.all(signedIn.map(async ({ token }) => (await sessions.validate(token)).ok))).toEqual(Array.from({ length: 16 }, () => false));
    } finally {
      await sessions.close();
      await tx.close();
    }
  });
});
