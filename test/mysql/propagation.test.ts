import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';
import { timeUntil } from '../support/postgres-listening.js';

const up = await mysqlUp();

const secret = 'x'.repeat(32);
const TTL = 1_000;

// MySQL has no LISTEN/NOTIFY and the store does not subscribe: sessions are read from the
// database on every validation, and another instance's cached epochs for access tokens follow
// within its epochCacheTtl. These tests pin both halves of that statement.
describe.skipIf(!up)('mysql store: a revocation on instance A, seen by instance B', () => {
  const poolA = testMysqlPool();
  const poolB = testMysqlPool();
  const prefix = freshPrefix('prop');
  let now = Date.now();
  let a: SessionManager;
  let b: SessionManager;

  beforeAll(async () => {
    const storeA: MysqlStore = mysqlStore({ pool: poolA, prefix });
    await storeA.migrate();
    a = createSessionManager({ store: storeA, accessTokens: { secret }, epochCacheTtl: TTL });
    // B's clock is the test's, so its cache's TTL runs out when the test says, not by sleeping.
    b = createSessionManager({ store: mysqlStore({ pool: poolB, prefix }), accessTokens: { secret }, epochCacheTtl: TTL, clock: () => now });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await dropPrefixes(poolA, [prefix]);
    await poolA.end();
    await poolB.end();
  });

  it('the store does not claim to publish: no subscribe', () => {
    expect((mysqlStore({ pool: poolA, prefix }) as SessionStore).subscribe).toBeUndefined();
  });

  it('a cookie session revoked on A is refused by B on its very next request: one, all, others, tenant', async () => {
    const first = await a.create({ userId: 'cookie', userAgent: UA.chromeMac });
    const second = await a.create({ userId: 'cookie', userAgent: UA.firefoxWindows });
    const third = await a.create({ userId: 'cookie', userAgent: UA.safariIphone });
    expect((await b.validate(first.token)).ok).toBe(true);
    await a.revoke(first.session.id);
    expect(await b.validate(first.token)).toEqual({ ok: false, reason: 'revoked' });
    await a.revokeOthers('cookie', third.session.id);
    expect(await b.validate(second.token)).toEqual({ ok: false, reason: 'revoked' });
    await a.revokeAll('cookie');
    expect(await b.validate(third.token)).toEqual({ ok: false, reason: 'revoked' });

    const member = await a.create({ userId: 'member', tenantId: 'acme' });
    expect((await b.validate(member.token)).ok).toBe(true);
    await a.revokeTenant('acme');
    expect(await b.validate(member.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("an access token B verified is refused by B once its epochCacheTtl has passed after A's sign out everywhere, not before", async () => {
    now = Date.now();
    const { session } = await a.create({ userId: 'jwt' });
    const jwt = await a.issueAccessToken(session);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revokeAll('jwt');
    // The window: B's cached epochs stay trusted until the TTL runs out.
    now += TTL - 1;
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    now += 2;
    expect(await b.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
  });

  it("the same bound holds for one revoked session (B's cached deny-list)", async () => {
    now = Date.now();
    const { session } = await a.create({ userId: 'deny' });
    const jwt = await a.issueAccessToken(session);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    await a.revoke(session.id);
    now += TTL + 1;
    expect((await b.verifyAccessToken(jwt)).ok).toBe(false);
  });

  it('on real clocks, B refuses within the TTL plus a read (measured)', async () => {
    const real = createSessionManager({ store: mysqlStore({ pool: poolB, prefix }), accessTokens: { secret }, epochCacheTtl: TTL });
    try {
      const { session } = await a.create({ userId: 'measured' });
      const jwt = await a.issueAccessToken(session);
      expect((await real.verifyAccessToken(jwt)).ok).toBe(true);
      await a.revokeAll('measured');
      const elapsed = await timeUntil(async () => !(await real.verifyAccessToken(jwt)).ok, 10 * TTL);
      console.info(`sign out everywhere on A refused by B's access-token check ${elapsed.toFixed(0)} ms after it returned (epochCacheTtl ${TTL} ms)`);
      expect(await real.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    } finally {
      await real.close();
    }
  });
});
