import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { EventReader } from '../../src/testing/framework/live-events.js';
import { serveApp } from '../frameworks/five-apps.js';
import { UA } from '../support/clock.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { listening, sleep, timeUntil } from '../support/postgres-listening.js';

const up = await postgresUp();

const managerOptions = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 } as const;

describe.skipIf(!up)('postgres store: two instances on one database', () => {
  const poolA = testPool();
  const poolB = testPool();
  const schema = freshSchema('prop');
  let storeA: PostgresStore;
  let storeB: PostgresStore;
  let a: SessionManager;
  let b: SessionManager;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    storeA = postgresStore({ pool: poolA, schema });
    await storeA.migrate();
    storeB = postgresStore({ pool: poolB, schema });
    a = createSessionManager({ store: storeA, ...managerOptions });
    b = createSessionManager({ store: storeB, ...managerOptions });
    // The managers subscribe (access tokens are on); wait until B's LISTEN is up.
    await listening(storeA, storeB);
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await a.close();
    await b.close();
    await dropSchemas(poolA, [schema]);
    await poolA.end();
    await poolB.end();
  });

  it('a session revoked on one instance is refused by the other on its next request', async () => {
    const first = await a.create({ userId: 'cookie-user', userAgent: UA.chromeMac });
    const second = await a.create({ userId: 'cookie-user', userAgent: UA.firefoxWindows });
    expect((await b.validate(first.token)).ok).toBe(true);
    expect(await a.revoke(first.session.id)).toBe(true);
    expect(await b.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    expect((await b.validate(second.token)).ok).toBe(true);
    await a.revokeAll('cookie-user');
    expect(await b.validate(second.token)).toEqual({ ok: false, reason: 'revoked' });
    const again = await b.create({ userId: 'cookie-user', userAgent: UA.chromeMac });
    expect((await a.validate(again.token)).ok).toBe(true);
  });

  // The notice, not the cache's 60 s TTL, is what ends the cached state: seconds at most even on
  // a loaded machine (how fast it is belongs to the benchmarks, not here).
  it('sign out everywhere on one instance reaches the other\'s cached access tokens by its notice, long before the cache TTL', async () => {
    const { session } = await a.create({ userId: 'jwt-user', userAgent: UA.chromeMac });
    const jwt = await a.issueAccessToken(session);
    // B now holds the user's epochs in its cache, trusted for 60 s without a notice.
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    const called = performance.now();
    await a.revokeAll('jwt-user');
    const returned = performance.now();
    const elapsed = await timeUntil(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000);
    console.info(`revokeAll seen by the other instance ${elapsed.toFixed(1)} ms after it returned (${(returned - called).toFixed(1)} ms call)`);
    expect(await b.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    expect(elapsed).toBeLessThan(10_000);
  });

  it('revoking one session reaches the other instance\'s deny-list cache by its notice, long before the cache TTL', async () => {
    const { session } = await a.create({ userId: 'deny-user', userAgent: UA.safariMac });
    const kept = await a.create({ userId: 'deny-user', userAgent: UA.firefoxWindows });
    const jwt = await a.issueAccessToken(session);
    const keptJwt = await a.issueAccessToken(kept.session);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revoke(session.id);
    const elapsed = await timeUntil(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000);
    expect(elapsed).toBeLessThan(10_000);
    expect((await b.verifyAccessToken(keptJwt)).ok).toBe(true);
  });

  it('without LISTEN the other instance trusts its cache until the TTL (the contrast)', async () => {
    const poolC = testPool({ max: 2 });
    const quiet = createSessionManager({ store: postgresStore({ pool: poolC, schema, listen: false }), ...managerOptions });
    closers.push(async () => {
      await quiet.close();
      await poolC.end();
    });
    const { session } = await a.create({ userId: 'quiet-user' });
    const jwt = await a.issueAccessToken(session);
    expect((await quiet.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revokeAll('quiet-user');
    await sleep(100);
    expect((await quiet.verifyAccessToken(jwt)).ok).toBe(true);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(false);
  });

  it('listens again after its LISTEN connection is killed', async () => {
    const { rows } = await poolA.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()`,
      [`LISTEN "${schema}.sessions"`],
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const { pid } of rows) await poolA.query('SELECT pg_terminate_backend($1)', [pid]);
    await listening(storeA, storeB);
    const { session } = await a.create({ userId: 'reconnect-user' });
    const jwt = await a.issueAccessToken(session);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revokeAll('reconnect-user');
    expect(await timeUntil(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000)).toBeLessThan(10_000);
  }, 20_000);
});

describe.skipIf(!up)('postgres store: a page reloaded while its instance starts listening', () => {
  const poolA = testPool();
  const poolB = testPool();
  const listenPoolB = testPool();
  const schema = freshSchema('reload');
  afterAll(async () => {
    await dropSchemas(poolA, [schema]);
    for (const pool of [poolA, poolB, listenPoolB]) await pool.end();
  });

  it("the reloaded page's stream on B ends when its session is revoked on A", async () => {
    const storeA = postgresStore({ pool: poolA, schema });
    await storeA.migrate();
    // B's LISTEN connection arrives when the test says so, as over a slow network.
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const storeB = postgresStore({ pool: poolB, schema, listen: { pool: { connect: async () => (await arrived, listenPoolB.connect()) } } });
    // Seen from outside the store: the first page's subscription given up, and LISTEN active.
    let left!: () => void;
    const firstLeft = new Promise<void>((resolve) => (left = resolve));
    let resynced!: () => void;
    const listenUp = new Promise<void>((resolve) => (resynced = resolve));
    const subscribe = storeB.subscribe!.bind(storeB);
    storeB.subscribe = (listener, onResync) => {
      const stop = subscribe(listener, () => (onResync?.(), resynced()));
      return () => (stop(), left());
    };
    const a = createSessionManager({ store: storeA });
    const b = createSessionManager({ store: storeB });
    const server = await serveApp('express', b, { heartbeat: 60_000 });
    try {
      const signIn = await fetch(`${server.url}/login?user=reloader`, { method: 'POST' });
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const { sessionId } = (await signIn.json()) as { sessionId: string };
      const open = async (): Promise<EventReader> => {
        const response = await fetch(`${server.url}/sessions/events`, { headers: { cookie } });
        const events = new EventReader(response.body!);
        expect((await events.next())?.event).toBe('comment');
        return events;
      };
      // The first page makes B connect for LISTEN, then reloads while that connect is under way.
      await (await open()).cancel();
      await firstLeft;
      const second = await open();
      arrive();
      await listenUp;
      await a.revoke(sessionId);
      const event = await Promise.race([second.nextEvent(), new Promise((resolve) => setTimeout(resolve, 5_000, 'no event within 5 s'))]);
      await second.cancel();
      expect(event).toEqual({ event: 'revoked', data: '{"reason":"revoked"}' });
    } finally {
      await server.close();
      await a.close();
      await b.close();
    }
  });
});
