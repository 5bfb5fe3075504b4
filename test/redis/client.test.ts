import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { detectClient } from '../../adapters/redis/client.js';
import { toSessionError } from '../../adapters/redis/errors.js';
import { createLayout, tagOf } from '../../adapters/redis/keys.js';
import { createSessionManager, isSessionError, type SessionStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { userBucket } from '../../src/store-records.js';
import { mintToken } from '../../src/token.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

/** The SessionError code a promise rejects with (or a thrown call, wrapped). */
async function codeOf(operation: () => unknown): Promise<string | undefined> {
  try {
    await operation();
  } catch (error) {
    return isSessionError(error) ? error.code : `not a SessionError: ${String(error)}`;
  }
  return undefined;
}

// Clients built but never connected: detection and option checks send nothing.
const idle = {
  nodeRedis: createClient(),
  nodeRedisCluster: createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: 1 } }] }),
  ioredis: new Redis({ lazyConnect: true, enableOfflineQueue: false, autoResendUnfulfilledCommands: false }),
  ioredisCluster: new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true, enableOfflineQueue: false, redisOptions: { autoResendUnfulfilledCommands: false } }),
};

describe('redisStore without a server', () => {
  it('tells every supported client apart', () => {
    expect(detectClient(idle.nodeRedis)).toBe('node-redis');
    expect(detectClient(idle.nodeRedisCluster)).toBe('node-redis-cluster');
    expect(detectClient(idle.ioredis)).toBe('ioredis');
    expect(detectClient(idle.ioredisCluster)).toBe('ioredis-cluster');
  });

  it('refuses what is not a client, and options that cannot work', async () => {
    // @ts-expect-error -- not a client
    expect(await codeOf(() => redisStore({ client: {} }))).toBe('INVALID_CONFIGURATION');
    // @ts-expect-error -- no client at all
    expect(await codeOf(() => redisStore({}))).toBe('INVALID_CONFIGURATION');
    expect(await codeOf(() => redisStore({ client: idle.nodeRedis, prefix: 'app:{tag}:' }))).toBe('INVALID_CONFIGURATION');
    expect(await codeOf(() => redisStore({ client: idle.nodeRedis, commandTimeout: 0 }))).toBe('INVALID_CONFIGURATION');
    expect(await codeOf(() => redisStore({ client: idle.ioredis, pruneLockTtl: 1.5 }))).toBe('INVALID_CONFIGURATION');
  });

  it('refuses an ioredis client with keyPrefix (scripts would write where no read looks), naming the prefix option', async () => {
    const prefixed = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    try {
      expect(() => redisStore({ client: prefixed })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('keyPrefix is not supported; pass prefix to redisStore()') }));
    } finally {
      prefixed.disconnect();
    }
  });

  it('refuses an ioredis client that queues commands offline or sends them again after a reconnect (either may land after the outage was answered)', () => {
    const node = [{ host: '127.0.0.1', port: 1 }];
    const resending = [
      new Redis({ lazyConnect: true }),
      new Redis({ lazyConnect: true, enableOfflineQueue: false }),
      new Redis({ lazyConnect: true, autoResendUnfulfilledCommands: false }),
      new Cluster(node, { lazyConnect: true }),
      new Cluster(node, { lazyConnect: true, enableOfflineQueue: false }),
      new Cluster(node, { lazyConnect: true, redisOptions: { autoResendUnfulfilledCommands: false } }),
    ];
    try {
      for (const client of resending) {
        expect(() => redisStore({ client })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('enableOfflineQueue: false and autoResendUnfulfilledCommands: false') }));
      }
      expect(redisStore({ client: idle.ioredis }).shardsByUser).toBe(true);
      expect(redisStore({ client: idle.ioredisCluster }).shardsByUser).toBe(true);
    } finally {
      for (const client of resending) client.disconnect();
    }
  });

  it("shards by user: a session id starts with its user's bucket, and they share one hash tag whatever the user id holds", () => {
    expect(redisStore({ client: idle.nodeRedis }).shardsByUser).toBe(true);
    const layout = createLayout('app:');
    const userId = 'odd {user} id:with:colons';
    const { id } = mintToken(userBucket(userId));
    expect(tagOf(layout.session(id))).toBe(`{${userBucket(userId)}}`);
    expect(tagOf(`${layout.user(userId)}m`)).toBe(tagOf(layout.session(id)));
    expect(tagOf(layout.directory('x'))).not.toBe(tagOf(layout.session(id)));
  });

  it('refuses on a cluster a session id that does not start with its user bucket, before any command', async () => {
    const store = redisStore({ client: idle.nodeRedisCluster });
    const { id, secretHash } = mintToken('zzz');
    const userId = Array.from({ length: 50 }, (_, index) => `u${index}`).find((candidate) => userBucket(candidate) !== 'zzz')!;
    const now = Date.now();
    const session = { id, userId, kind: 'browser', secretHash, createdAt: now, expiresAt: now + 60_000, lastUsedAt: now, authenticatedAt: now };
    expect(await codeOf(() => store.apply({ owner: { userId }, writes: [{ type: 'insert', session }] }))).toBe('INVALID_INPUT');
  });

  it('maps client failures: error replies are STORE_ERROR, outages STORE_UNAVAILABLE', () => {
    expect(toSessionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')).code).toBe('STORE_ERROR');
    expect(toSessionError(new Error('ERR user_script:3: Script attempted to access nonexistent global variable')).code).toBe('STORE_ERROR');
    expect(toSessionError(new Error("ERR unknown command 'EVALSHA_RO', with args beginning with: ")).message).toMatch(/Redis 7\.0 or later/);
    expect(toSessionError(new Error('LOADING Redis is loading the dataset in memory')).code).toBe('STORE_UNAVAILABLE');
    expect(toSessionError(new Error('CLUSTERDOWN The cluster is down')).code).toBe('STORE_UNAVAILABLE');
    expect(toSessionError(new Error('The client is closed')).code).toBe('STORE_UNAVAILABLE');
    expect(toSessionError(new Error('connect ECONNREFUSED 127.0.0.1:6391')).code).toBe('STORE_UNAVAILABLE');
    expect(toSessionError(new Error("Stream isn't writeable and enableOfflineQueue options is false")).code).toBe('STORE_UNAVAILABLE');
  });

  it('an unconnected node-redis client fails with STORE_UNAVAILABLE, not a hang', async () => {
    const store = redisStore({ client: idle.nodeRedis, commandTimeout: 200 });
    expect(await codeOf(() => store.get(mintToken('abc').id))).toBe('STORE_UNAVAILABLE');
  });

  it('never loads redis or ioredis at runtime: only type imports name them', async () => {
    const root = join(import.meta.dirname, '../../adapters/redis');
    const files: string[] = [];
    for (const entry of await readdir(root, { recursive: true })) if (entry.endsWith('.ts')) files.push(join(root, entry));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = await readFile(file, 'utf8');
      expect(source).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'(redis|ioredis|@redis\/[^']+)'/m);
      expect(source).not.toMatch(/import\(\s*'(redis|ioredis)'/);
    }
  });
});

describe.skipIf(!redisUp)('redisStore on 127.0.0.1:6379', () => {
  let nodeRedis: RedisClientType;
  let ioredis: Redis;

  beforeAll(async () => {
    nodeRedis = await connectNodeRedis(6379);
    ioredis = await connectIoredis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedis);
    await nodeRedis.close();
    await ioredis.quit();
  });

  const newSession = async (store: SessionStore, userId: string, secretHash: Uint8Array) => {
    const { id } = mintToken(userBucket(userId));
    const now = Date.now();
    return storeOperations(store).create({ id, userId, kind: 'browser', secretHash, createdAt: now, authenticatedAt: now, maxAge: 60_000 }, { replaceDevice: false });
  };

  it('keeps binary secret hashes byte for byte', async () => {
    const store = redisStore({ client: ioredis, prefix: freshPrefix('bin') });
    const hash = Uint8Array.from({ length: 32 }, (_, index) => [0, 255, 0x80, 10, 13, 32][index % 6]!);
    const { session } = await newSession(store, 'binary', hash);
    const found = await store.get(session.id);
    expect(Buffer.from(found!.session.secretHash).equals(Buffer.from(hash))).toBe(true);
  });

  it('close() releases its own pub/sub connection only; the app keeps its client', async () => {
    const prefix = freshPrefix('close');
    const store = redisStore({ client: nodeRedis, prefix });
    const numsub = async (): Promise<number> => Number(((await nodeRedis.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}revocations`])) as [string, number])[1]);
    const notices: string[] = [];
    let resyncs = 0;
    store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
    for (let round = 0; round < 100 && (await numsub()) === 0; round++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await numsub()).toBe(1);
    await store.apply({ owner: { userId: 'someone' }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
    for (let round = 0; round < 100 && notices.length === 0; round++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(notices).toEqual(['someone']);
    expect(resyncs).toBe(1);
    await store.close!();
    // The subscriber socket is dropped at once; the server sees it gone a moment later.
    for (let round = 0; round < 100 && (await numsub()) > 0; round++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await numsub()).toBe(0);
    expect(await nodeRedis.sendCommand(['PING'])).toBe('PONG');
    expect(await codeOf(() => store.get(mintToken('abc').id))).toBe('CLOSED');
  });

  it('reports a Redis error reply as STORE_ERROR, never as success', async () => {
    const prefix = freshPrefix('wrongtype');
    const store = redisStore({ client: nodeRedis, prefix });
    const userId = 'typed';
    await nodeRedis.sendCommand(['SET', `${createLayout(prefix).user(userId)}m`, 'not a hash']);
    expect(await codeOf(() => store.apply({ owner: { userId }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }] }))).toBe('STORE_ERROR');
    expect(await codeOf(() => store.readUser(userId))).toBe('STORE_ERROR');
  });

  it('refuses a batch with a time Redis cannot read before writing any of it', async () => {
    const store = redisStore({ client: nodeRedis, prefix: freshPrefix('nan') });
    const userId = 'nan';
    const { id, secretHash } = mintToken();
    const now = Date.now();
    await store.apply({ owner: { userId }, writes: [{ type: 'insert', session: { id, userId, kind: 'browser', secretHash, createdAt: now, expiresAt: now + 60_000, lastUsedAt: now, authenticatedAt: now } }] });
    const { version } = await store.readUser(userId);
    // NaN, and a finite time too large to be an integer Redis reads (PEXPIREAT would fail after the writes before it).
    for (const expiresAt of [Number.NaN, 1e21]) {
      const writes = [{ type: 'revoke', sessionId: id, at: now, reason: 'revoked' }, { type: 'putKey', key: 'link', value: 'x', expiresAt, userId }] as const;
      expect(await codeOf(() => store.apply({ owner: { userId }, version, writes }))).toBe('INVALID_INPUT');
      expect((await store.get(id))?.session.revokedAt).toBeUndefined();
      expect((await store.readUser(userId)).version).toBe(version);
    }
  });

  for (const [name, client] of [
    ['node-redis', () => nodeRedis],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`a garbled epoch fails with STORE_ERROR, never reads as epoch 0 (${name})`, async () => {
      const prefix = freshPrefix('garbled');
      const sessions = createSessionManager({ store: redisStore({ client: client(), prefix }) });
      try {
        const { token } = await sessions.create({ userId: 'garbled' });
        await sessions.revokeAll('garbled');
        const meta = `${createLayout(prefix).user('garbled')}m`;
        for (const garbled of ['', ' ', '0x1F', '1e3', '12abc']) {
          await nodeRedis.sendCommand(['HSET', meta, 'e:browser', garbled]);
          expect(await codeOf(() => sessions.validate(token))).toBe('STORE_ERROR');
        }
        await nodeRedis.sendCommand(['HSET', meta, 'e:browser', String(Date.now())]);
        expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
      } finally {
        await sessions.close();
      }
    });

    it(`a read that meets a key of the wrong type fails with STORE_ERROR, never reads as no revocation (${name})`, async () => {
      const prefix = freshPrefix('wrongread');
      const sessions = createSessionManager({ store: redisStore({ client: client(), prefix }) });
      try {
        const userId = 'typed-read';
        const { token, session } = await sessions.create({ userId, tenantId: 'typed-tenant' });
        // Twice: the second read is the one a store that knows the session's user makes.
        for (let round = 0; round < 2; round++) expect((await sessions.validate(token)).ok).toBe(true);
        const layout = createLayout(prefix);
        expect(session.userId).toBe(userId);
        for (const key of [`${layout.user(userId)}m`, `${layout.tenant('typed-tenant')}m`]) {
          await nodeRedis.sendCommand(['DEL', key]);
          await nodeRedis.sendCommand(['SET', key, 'not a hash']);
          expect(await codeOf(() => sessions.validate(token))).toBe('STORE_ERROR');
          await nodeRedis.sendCommand(['DEL', key]);
          expect((await sessions.validate(token)).ok).toBe(true);
        }
      } finally {
        await sessions.close();
      }
    });
  }
});
