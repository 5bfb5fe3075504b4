import type { Cluster } from 'ioredis';
import type { RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { connectIoredisCluster, connectNodeRedisCluster, freshPrefix } from '../support/redis-clients.js';
import { startCluster, type LocalCluster } from '../support/redis-cluster.js';
import { redisCli, requireRedisBinaries } from '../support/redis-server.js';
import { describeCapabilities } from '../redis/capabilities.js';
import { CommandLog, CONNECTION_STATE, connectedAddresses, exercise, TOUCH_INTERVAL } from '../redis/command-log.js';
import { TestClock } from '../support/clock.js';

const canStart = await requireRedisBinaries();

describe.skipIf(!canStart)('redis store on a 3-master Redis Cluster (127.0.0.1:7101-7103)', () => {
  let cluster: LocalCluster;
  let nodeRedis: RedisClusterType;
  let ioredis: Cluster;
  // The sibling stores' own cluster clients: two app servers never share one.
  let nodeRedis2: RedisClusterType;
  let ioredis2: Cluster;

  beforeAll(async () => {
    cluster = await startCluster([7101, 7102, 7103]);
    [nodeRedis, nodeRedis2] = await Promise.all([connectNodeRedisCluster(7101), connectNodeRedisCluster(7101)]);
    [ioredis, ioredis2] = await Promise.all([connectIoredisCluster(7101), connectIoredisCluster(7101)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nodeRedis?.close(), nodeRedis2?.close()]);
    await Promise.all([ioredis?.quit(), ioredis2?.quit()]);
    await cluster?.stop();
  }, 30_000);

  // Each store gets a fresh prefix; its sibling is a store over the second client with that prefix.
  let prefix = '';
  describeStoreConformance('redis cluster (node-redis)', () => redisStore({ client: nodeRedis, prefix: (prefix = freshPrefix('cn')) }), {
    runner: vitestRunner,
    sibling: () => redisStore({ client: nodeRedis2, prefix }),
  });
  describeStoreConformance('redis cluster (ioredis)', () => redisStore({ client: ioredis, prefix: (prefix = freshPrefix('ci')) }), {
    runner: vitestRunner,
    sibling: () => redisStore({ client: ioredis2, prefix }),
  });

  // A tenant's keys sit on another slot than its users': the reads and writes that reach both.
  describeCapabilities('cluster, node-redis', () => redisStore({ client: nodeRedis, prefix: freshPrefix('ccn') }));
  describeCapabilities('cluster, ioredis', () => redisStore({ client: ioredis, prefix: freshPrefix('cci') }));

  it('spreads users over every master and validates with the session and epochs on one node', async () => {
    const store = redisStore({ client: nodeRedis, prefix: freshPrefix('spread') });
    const sessions = createSessionManager({ store });
    const tokens: string[] = [];
    for (let index = 0; index < 30; index++) tokens.push((await sessions.create({ userId: `spread-${index}` })).token);
    const sizes = await Promise.all(cluster.ports.map(async (port) => Number(await redisCli(port, ['dbsize']))));
    expect(sizes.filter((size) => size > 0).length).toBe(3);
    for (const token of tokens) expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.revokeAll('spread-7');
    expect(await sessions.validate(tokens[7])).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(tokens[8])).ok).toBe(true);
    await sessions.close();
  });

  for (const [name, first, second] of [
    ['node-redis to ioredis', () => nodeRedis, () => ioredis],
    ['ioredis to node-redis', () => ioredis, () => nodeRedis],
  ] as const) {
    it(`publishes revocations across the cluster: the other instance sees them in under 50 ms (${name})`, async () => {
      const prefix = freshPrefix('cpub');
      const options = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 };
      const a = createSessionManager({ store: redisStore({ client: first(), prefix }), ...options });
      const b = createSessionManager({ store: redisStore({ client: second(), prefix }), ...options });
      onTestFinished(async () => {
        await a.close();
        await b.close();
      });
      // Classic pub/sub reaches every node; each subscriber counts on the node it joined. Asked over the test's own client (no redis-cli
      // process per node and round, which a loaded machine starts slowly), for at most 10 s.
      const subscribers = async (): Promise<number> => {
        const counts = await Promise.all(ioredis.nodes('master').map((node) => node.call('PUBSUB', 'NUMSUB', `${prefix}revocations`) as Promise<[string, number]>));
        return counts.reduce((sum, [, count]) => sum + Number(count), 0);
      };
      const waitingSince = performance.now();
      while ((await subscribers()) < 2 && performance.now() - waitingSince < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await subscribers()).toBe(2);

      const { session } = await a.create({ userId: 'published' });
      const jwt = await a.issueAccessToken(session);
      expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
      await a.revokeAll('published');
      const started = performance.now();
      while ((await b.verifyAccessToken(jwt)).ok && performance.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(performance.now() - started).toBeLessThan(10_000);
    }, 30_000);
  }

  // Moves the slot of `key` to another master, keys included, as a resharding does.
  async function moveSlotOf(key: string): Promise<void> {
    const slot = await redisCli(cluster.ports[0]!, ['cluster', 'keyslot', key]);
    const owners = await Promise.all(cluster.ports.map(async (port) => ({ port, id: await redisCli(port, ['cluster', 'myid']), keys: Number(await redisCli(port, ['cluster', 'countkeysinslot', slot])) })));
    const source = owners.find((owner) => owner.keys > 0)!;
    const target = owners.find((owner) => owner.port !== source.port)!;
    await redisCli(target.port, ['cluster', 'setslot', slot, 'importing', source.id]);
    await redisCli(source.port, ['cluster', 'setslot', slot, 'migrating', target.id]);
    const keys = (await redisCli(source.port, ['cluster', 'getkeysinslot', slot, '1000'])).split('\n').filter(Boolean);
    await redisCli(source.port, ['migrate', '127.0.0.1', String(target.port), '', '0', '5000', 'keys', ...keys]);
    for (const port of cluster.ports) await redisCli(port, ['cluster', 'setslot', slot, 'node', target.id]);
  }

  for (const [name, client] of [
    ['node-redis', () => nodeRedis],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`still validates in one answer after the session's slot moved to another node (${name})`, async () => {
      const prefix = freshPrefix('moved');
      const sessions = createSessionManager({ store: redisStore({ client: client(), prefix }) });
      onTestFinished(() => sessions.close());
      const { token, session } = await sessions.create({ userId: `moved-${name}` });
      const other = await sessions.create({ userId: `moved-${name}` });
      for (let round = 0; round < 2; round++) expect((await sessions.validate(token)).ok).toBe(true);
      await moveSlotOf(`${prefix}{${session.id.slice(0, 3)}}:s:${session.id}`);
      // The script reaches the old node (MOVED); the client follows the redirect.
      expect((await sessions.validate(token)).ok).toBe(true);
      expect((await sessions.validate(token)).ok).toBe(true);
      await sessions.revoke(other.session.id);
      expect(await sessions.validate(other.token)).toEqual({ ok: false, reason: 'revoked' });
      await sessions.revokeAll(`moved-${name}`);
      expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    });
  }

  // The app's cluster clients carry its own commands too: on every node, what the store sends
  // through them is self-contained (scripts, and the tenant's reads on its own slot).
  it('sends no command that changes the state of the app\'s connections, on any node (node-redis and ioredis)', async () => {
    // The connections open now are the app's; those the store opens later are its own.
    const logs = await Promise.all(cluster.ports.map(async (port) => CommandLog.start(port, await connectedAddresses(port))));
    onTestFinished(() => {
      for (const log of logs) log.stop();
    });
    for (const [name, client] of [
      ['node-redis', nodeRedis],
      ['ioredis', ioredis],
    ] as const) {
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('cstate') }), clock: clock.read, touchInterval: TOUCH_INTERVAL });
      onTestFinished(() => sessions.close());
      await exercise(sessions, clock, `cluster-state-${name}`);
    }
    const sent = (await Promise.all(logs.map((log) => log.take()))).flat();
    expect(sent.filter((command) => CONNECTION_STATE.test(command))).toEqual([]);
    expect(sent.filter((command) => command.startsWith('"evalsha_ro"')).length).toBeGreaterThanOrEqual(8);
  });
});
