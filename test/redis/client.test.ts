import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { detectClient } from '../../adapters/redis/client.js';
import { toSessionError } from '../../adapters/redis/errors.js';
import { createLayout } from '../../adapters/redis/layout.js';
import { createSessionManager, isSessionError, type SessionStore } from '../../src/index.js';
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
  ioredis: new Redis({ lazyConnect: true }),
  ioredisCluster: new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }),
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

  it('routes session ids by a 3-character base64url bucket of the user id', () => {
    const store = redisStore({ client: idle.nodeRedis });
    const prefix = store.sessionIdPrefix!('alice@example.com');
    expect(prefix).toMatch(/^[A-Za-z0-9_-]{3}$/);
    expect(store.sessionIdPrefix!('alice@example.com')).toBe(prefix);
    const buckets = new Set(Array.from({ length: 200 }, (_, index) => store.sessionIdPrefix!(`user-${index}`)));
    expect(buckets.size).toBeGreaterThan(190);
  });

  it('puts a session and its user on one hash tag, whatever the user id holds', () => {
    const layout = createLayout('app:');
    const userId = 'odd {user} id:with:colons';
    const bucket = redisStore({ client: idle.nodeRedis }).sessionIdPrefix!(userId);
    const { id } = mintToken(bucket);
    const tagOf = (key: string): string => /\{([^}]*)\}/.exec(key)![1]!;
    expect(tagOf(layout.session(id.slice(0, 3), id))).toBe(bucket);
    const user = layout.user(bucket, userId);
    for (const key of [user.index, user.epochs, user.marks, user.denied, user.device('browser', 'Chrome|Mac {OS}')]) expect(tagOf(key)).toBe(bucket);
    expect(tagOf(layout.directory.due)).not.toBe(bucket);
  });

  it('refuses a session id that does not start with its user prefix, before any command', async () => {
    const store = redisStore({ client: idle.nodeRedis });
    const { id, secretHash } = mintToken('zzz');
    const userId = Array.from({ length: 50 }, (_, index) => `u${index}`).find((candidate) => store.sessionIdPrefix!(candidate) !== 'zzz')!;
    const now = Date.now();
    const record = { id, userId, kind: 'browser', secretHash, createdAt: now, authenticatedAt: now, maxAge: 60_000 };
    expect(await codeOf(() => store.create(record, { replaceDevice: false }))).toBe('INVALID_INPUT');
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
    const { id } = mintToken(store.sessionIdPrefix!(userId));
    const now = Date.now();
    return store.create({ id, userId, kind: 'browser', secretHash, createdAt: now, authenticatedAt: now, maxAge: 60_000 }, { replaceDevice: false });
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
    await store.revokeAll('someone', { kinds: ['browser'], at: Date.now() });
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
    const bucket = store.sessionIdPrefix!(userId);
    await nodeRedis.sendCommand(['SET', createLayout(prefix).user(bucket, userId).epochs, 'not a hash']);
    expect(await codeOf(() => store.revokeAll(userId, { kinds: ['browser'], at: Date.now() }))).toBe('STORE_ERROR');
  });

  for (const [name, client] of [
    ['node-redis', () => nodeRedis],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`a read that meets a key of the wrong type fails with STORE_ERROR, never reads as no revocation (${name})`, async () => {
      const prefix = freshPrefix('wrongread');
      const sessions = createSessionManager({ store: redisStore({ client: client(), prefix }) });
      try {
        const userId = 'typed-read';
        const { token, session } = await sessions.create({ userId, tenantId: 'typed-tenant' });
        // Twice: the second read is the one a store that knows the session's user makes.
        for (let round = 0; round < 2; round++) expect((await sessions.validate(token)).ok).toBe(true);
        const layout = createLayout(prefix);
        const epochs = layout.user(session.id.slice(0, 3), userId).epochs;
        const tenantEpochs = layout.tenant('typed-tenant').epochs;
        for (const key of [epochs, tenantEpochs]) {
          // Neither has been raised: no key at all reads as no revocation, as before.
          expect(await nodeRedis.sendCommand(['EXISTS', key])).toBe(0);
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

  it('a replacing sign-in replaces every live session of the device, also those made without replacement', async () => {
    const store = redisStore({ client: nodeRedis, prefix: freshPrefix('dev') });
    const userId = 'device-owner';
    const device = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };
    const make = (replaceDevice: boolean, kind = 'browser') => {
      const { id, secretHash } = mintToken(store.sessionIdPrefix!(userId));
      const now = Date.now();
      return store.create({ id, userId, kind, secretHash, createdAt: now, authenticatedAt: now, maxAge: 60_000, ...device }, { replaceDevice });
    };
    const kept = await Promise.all([make(false), make(false), make(false)]);
    const revokedOne = kept[0]!.session.id;
    await store.revoke(revokedOne, { at: Date.now(), reason: 'sign_out' });
    const otherKind = await make(false, 'remember');
    const { replacedIds } = await make(true);
    expect([...replacedIds].sort()).toEqual([kept[1]!.session.id, kept[2]!.session.id].sort());
    expect((await store.get(revokedOne))!.session.revokedReason).toBe('sign_out');
    expect((await store.get(otherKind.session.id))!.session.revokedAt).toBeUndefined();
  });
});
