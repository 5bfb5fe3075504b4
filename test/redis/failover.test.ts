import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { connectIoredis, connectNodeRedis, freshPrefix } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, redisCli, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const canStart = await requireRedisBinaries();

const PRIMARY = 7110;
const LINK = 7111; // the proxy the replica replicates through
const REPLICA = 7112;
const USERS = 20;

/** Polls `redis-cli info replication` on `port` until it holds `line`, at most `timeoutMs`. */
async function waitForReplication(port: number, line: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redisCli(port, ['info', 'replication'])).includes(line)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`127.0.0.1:${port} never reported ${line}.`);
}

type Outcome = 'acknowledged' | 'STORE_UNAVAILABLE' | string;

async function outcome(operation: Promise<unknown>): Promise<Outcome> {
  try {
    await operation;
    return 'acknowledged';
  } catch (error) {
    return isSessionError(error) ? error.code : String(error);
  }
}

/**
 * What an operator sees when a Redis primary dies and its replica is promoted after the link
 * between them was cut: what the primary acknowledged but never sent is gone.
 */
describe.skipIf(!canStart)(`failover of a primary whose replica was cut off (127.0.0.1:${PRIMARY} -> proxy ${LINK} -> ${REPLICA})`, () => {
  let dir: string;
  let primaryPid: number | undefined;
  let replicaPid: number | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    dir = await makeServerDir('failover');
    primaryPid = await launchRedis(PRIMARY, dir);
    proxy = await startTcpProxy(LINK, PRIMARY);
    replicaPid = await launchRedis(REPLICA, dir, ['--replicaof', '127.0.0.1', String(LINK)]);
    await waitForReplication(REPLICA, 'master_link_status:up');
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    if (primaryPid !== undefined) await stopRedis(primaryPid, PRIMARY);
    if (replicaPid !== undefined) await stopRedis(replicaPid, REPLICA);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  it('loses no revocation acknowledged with durability, reports every other one as failed, and (without durability) loses what it acknowledged', async () => {
    const nodeRedis = await connectNodeRedis(PRIMARY);
    const ioredis = await connectIoredis(PRIMARY);
    // Room for a stalled machine: the replica's acknowledgement crosses the proxy in this process.
    const durability = { replicas: 1, timeout: 2_000 };
    const prefixes = { durableNode: freshPrefix('fdn'), durableIo: freshPrefix('fdi'), plain: freshPrefix('fp') };
    const managers = (clients: { node: RedisClientLike; io: RedisClientLike }, withDurability: boolean) => ({
      durableNode: createSessionManager({ store: redisStore({ client: clients.node, prefix: prefixes.durableNode, ...(withDurability ? { durability } : {}) }) }),
      durableIo: createSessionManager({ store: redisStore({ client: clients.io, prefix: prefixes.durableIo, ...(withDurability ? { durability } : {}) }) }),
      plain: createSessionManager({ store: redisStore({ client: clients.node, prefix: prefixes.plain }) }),
    });
    const before = managers({ node: nodeRedis, io: ioredis }, true);
    // Half the durable users on each client library.
    const durableManager = (index: number): SessionManager => (index % 2 === 0 ? before.durableNode : before.durableIo);

    // Every user signs in; then, with the link up, the first group is signed out everywhere.
    const tokens = { early: [] as string[], cut: [] as string[], plain: [] as string[] };
    for (let index = 0; index < USERS; index++) {
      tokens.early.push((await durableManager(index).create({ userId: `early-${index}` })).token);
      tokens.cut.push((await durableManager(index).create({ userId: `cut-${index}` })).token);
      tokens.plain.push((await before.plain.create({ userId: `plain-${index}` })).token);
    }
    const early = await Promise.all(tokens.early.map((_, index) => outcome(durableManager(index).revokeAll(`early-${index}`))));
    expect(early).toEqual(Array(USERS).fill('acknowledged'));
    // The sign-ins did not wait; make sure the replica has them before the cut.
    expect(await nodeRedis.sendCommand(['WAIT', '1', '5000'])).toBe(1);

    // The partition: the primary still serves, the replica hears nothing more.
    proxy!.cut();
    const [cut, plain] = await Promise.all([
      Promise.all(tokens.cut.map((_, index) => outcome(durableManager(index).revokeAll(`cut-${index}`)))),
      Promise.all(tokens.plain.map((_, index) => outcome(before.plain.revokeAll(`plain-${index}`)))),
    ]);
    // On the primary, the acknowledged ones are in force right now. (The failed ones may or may
    // not have been written there: a revocation that timed out is only known not to be safe.)
    for (const token of tokens.plain) expect(await before.plain.validate(token)).toEqual({ ok: false, reason: 'revoked' });

    // The primary dies; the replica is promoted, as Sentinel would do.
    await Promise.all(Object.values(before).map((manager) => manager.close()));
    await nodeRedis.destroy();
    ioredis.disconnect();
    await stopRedis(primaryPid!, PRIMARY, 'SIGKILL');
    primaryPid = undefined;
    await redisCli(REPLICA, ['replicaof', 'no', 'one']);
    await waitForReplication(REPLICA, 'role:master');

    const promotedNode = await connectNodeRedis(REPLICA);
    const promotedIo = await connectIoredis(REPLICA);
    const after = managers({ node: promotedNode, io: promotedIo }, true);
    const afterDurable = (index: number): SessionManager => (index % 2 === 0 ? after.durableNode : after.durableIo);
    try {
      const stillRevoked = (manager: (index: number) => SessionManager, list: string[]) =>
        Promise.all(list.map(async (token, index) => (await manager(index).validate(token)).ok === false));

      // With durability: every acknowledged revocation survived...
      expect(await stillRevoked(afterDurable, tokens.early)).toEqual(Array(USERS).fill(true));
      // ...and every one the replica never got was reported as failed, not as done (the app
      // answered 503 and the user tries again).
      expect(cut).toEqual(Array(USERS).fill('STORE_UNAVAILABLE'));
      expect(await stillRevoked(afterDurable, tokens.cut)).toEqual(Array(USERS).fill(false));

      // Without durability (the documented behaviour of asynchronous replication): every
      // user was told "signed out everywhere", and every one of those sessions is valid again.
      expect(plain).toEqual(Array(USERS).fill('acknowledged'));
      expect(await stillRevoked(() => after.plain, tokens.plain)).toEqual(Array(USERS).fill(false));

      // The promoted primary has no scripts cached: the store loads them there by itself.
      expect(await outcome(afterDurable(0).revokeAll('cut-0'))).toBe('STORE_UNAVAILABLE'); // no replica any more
      expect((await after.plain.create({ userId: 'after-failover' })).token).toBeTruthy();
    } finally {
      await Promise.all(Object.values(after).map((manager) => manager.close()));
      await promotedNode.close();
      await promotedIo.quit();
    }
  }, 90_000);
});
