import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster, type RedisClientType, type RedisClusterType, type RedisDefaultModules } from 'redis';

/** One id per test process, so every key a run writes can be found and deleted after it. */
export const RUN_PREFIX = `srt:${process.pid}-${randomBytes(4).toString('hex')}:`;

let stores = 0;

/** A fresh key prefix under this run's, for one store. */
export function freshPrefix(label = 's'): string {
  stores += 1;
  return `${RUN_PREFIX}${label}${stores}:`;
}

const host = '127.0.0.1';

/** The node-redis settings the README recommends: fail fast while disconnected, heal by itself. */
export async function connectNodeRedis(port: number, options: { disableOfflineQueue?: boolean } = {}): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    socket: { host, port, connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
    disableOfflineQueue: options.disableOfflineQueue ?? true,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** node-redis speaking RESP3, whose replies (maps, nulls) differ from RESP2 outside scripts. */
export async function connectNodeRedisResp3(port: number): Promise<RedisClientType<RedisDefaultModules, {}, {}, 3>> {
  const client = createClient({ socket: { host, port, connectTimeout: 1_000 }, disableOfflineQueue: true, RESP: 3 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** ioredis as the store requires it (no offline queue, nothing sent again), connected before it is handed to a store. */
export async function connectIoredis(port: number, options: { enableAutoPipelining?: boolean } = {}): Promise<Redis> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: false,
    enableAutoPipelining: options.enableAutoPipelining ?? false,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 500),
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A node-redis cluster client over the loopback cluster whose first node listens on `port`. */
export async function connectNodeRedisCluster(port: number): Promise<RedisClusterType> {
  const cluster: RedisClusterType = createCluster({
    rootNodes: [{ socket: { host, port } }],
    defaults: { socket: { connectTimeout: 1_000 }, disableOfflineQueue: true },
  });
  cluster.on('error', () => undefined);
  await cluster.connect();
  return cluster;
}

/** An ioredis cluster client over the loopback cluster whose first node listens on `port`. */
export async function connectIoredisCluster(port: number): Promise<Cluster> {
  const cluster = new Cluster([{ host, port }], { lazyConnect: true, enableOfflineQueue: false, redisOptions: { connectTimeout: 1_000, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false } });
  cluster.on('error', () => undefined);
  await cluster.connect();
  return cluster;
}

/** Deletes every key of this run on a single server (SCAN, so the server never blocks long). */
export async function deleteRunKeys(client: RedisClientType, pattern = `${RUN_PREFIX}*`): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  for (let round = 0; round < 100_000; round++) {
    const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [string, string[]];
    if (keys.length > 0) deleted += Number(await client.sendCommand(['UNLINK', ...keys]));
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}
