import net from 'node:net';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { freshSchema, testPostgresJs } from '../support/postgres-database.js';
import { listening, timeUntil } from '../support/postgres-listening.js';
import { requirePostgresBinaries, startPostgresPair, type PostgresPair } from '../support/postgres-standby.js';

const bin = await requirePostgresBinaries();

const managerOptions = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 } as const;
const url = (port: number): string => `postgres://postgres@127.0.0.1:${port}/postgres`;
const REFUSED = 'cannot execute LISTEN during recovery';

// Its own primary and standby; a cluster that cannot start fails the test under CI=true and skips it elsewhere.
async function ownPair(primaryPort: number, standbyPort: number, skip: (note: string) => void): Promise<PostgresPair> {
  try {
    const pair = await startPostgresPair(bin!, primaryPort, standbyPort);
    onTestFinished(() => pair.stop());
    return pair;
  } catch (error) {
    if (process.env['CI'] === 'true') throw error;
    console.warn(`could not start a PostgreSQL primary and standby (${String(error)}): skipping.`);
    skip('no PostgreSQL primary and standby of its own');
    throw error;
  }
}

function pgPool(port: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url(port), max: 2 });
  pool.on('error', () => undefined);
  onTestFinished(() => pool.end());
  return pool;
}

// A TCP proxy whose target can move, as a failover moves a virtual IP: moving it drops the connections open.
async function movableProxy(port: number, target: number): Promise<{ moveTo(port: number): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('error', () => upstream.destroy()).on('close', () => (upstream.destroy(), sockets.delete(client)));
    upstream.on('error', () => client.destroy()).on('close', () => (client.destroy(), sockets.delete(upstream)));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    moveTo(port) {
      target = port;
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** A session signed in through the primary (store A's schema), and its access token. */
async function signedIn(pair: PostgresPair, userId: string): Promise<{ schema: string; onPrimary: PostgresStore; jwt: string }> {
  const schema = freshSchema(userId.replace('-', '_'));
  const onPrimary = postgresStore({ pool: pgPool(pair.primaryPort), schema, listen: false });
  await onPrimary.migrate();
  const first = createSessionManager({ store: onPrimary, ...managerOptions });
  onTestFinished(() => first.close());
  const { session } = await first.create({ userId });
  return { schema, onPrimary, jwt: await first.issueAccessToken(session) };
}

/** Store B on postgres.js through `port`, and its manager. */
function storeOn(port: number, schema: string): { storeB: PostgresStore; b: SessionManager } {
  const sql = testPostgresJs(url(port), { max: 2 });
  onTestFinished(() => sql.end({ timeout: 0 }));
  const storeB = postgresStore({ pool: sql, schema, statementTimeout: 1_000 });
  const b = createSessionManager({ store: storeB, ...managerOptions });
  onTestFinished(() => b.close());
  return { storeB, b };
}

/** Promotes the standby once it refused B's LISTEN; a revocation made there must reach B's cached access token by its notice. */
async function revokedAfterPromotion(pair: PostgresPair, schema: string, storeB: PostgresStore, b: SessionManager, userId: string, jwt: string): Promise<void> {
  await timeUntil(() => pair.standbyLogHas(REFUSED), 10_000);
  await pair.promote();
  const storeA = postgresStore({ pool: pgPool(pair.standbyPort), schema, listen: false });
  const a = createSessionManager({ store: storeA, ...managerOptions });
  onTestFinished(() => a.close());
  await expect(listening(storeA, storeB), 'B hears a notice published on the promoted server').resolves.toBeUndefined();
  expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
  await a.revokeAll(userId);
  expect(await timeUntil(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000)).toBeLessThan(10_000);
}

// B runs on postgres.js and listens while its server refuses LISTEN (a standby); once the standby is promoted, a revocation
// made there must reach B's cached access token by its notice, long before the 60 s epochCacheTtl.
describe.skipIf(bin === undefined)('postgres store on postgres.js: LISTEN refused by a standby, then promoted', () => {
  it('a store started on a standby hears revocations once the standby is promoted', async ({ skip }) => {
    const pair = await ownPair(30210, 30211, skip);
    const { schema, jwt } = await signedIn(pair, 'standby-user');
    const { storeB, b } = storeOn(pair.standbyPort, schema);
    // Replicated to the standby, then held in B's epoch cache.
    await timeUntil(async () => (await b.verifyAccessToken(jwt)).ok, 10_000);
    await revokedAfterPromotion(pair, schema, storeB, b, 'standby-user', jwt);
  }, 60_000);

  it('a LISTEN connection that comes back on a standby during a failover listens again once it is promoted', async ({ skip }) => {
    const pair = await ownPair(30212, 30213, skip);
    const { schema, onPrimary, jwt } = await signedIn(pair, 'failover-user');
    // B reaches "the database" through an address that moves from the primary to the standby.
    const proxy = await movableProxy(30214, pair.primaryPort);
    const { storeB, b } = storeOn(30214, schema);
    await listening(onPrimary, storeB);
    expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
    proxy.moveTo(pair.standbyPort);
    await revokedAfterPromotion(pair, schema, storeB, b, 'failover-user', jwt);
  }, 60_000);
});
