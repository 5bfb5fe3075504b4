// On Sentinel, a pub/sub connection that drops and comes back by itself (no failover) may have
// lost notices: the managers must drop their cached revocation state once it delivers again.
import { Redis } from 'ioredis';
import { createClient, createSentinel, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createLayout } from '../../adapters/redis/keys.js';
import { createSessionManager } from '../../src/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { redisCli } from '../support/redis-server.js';
import { requireSentinelBinaries, startSentinelGroup, type LocalSentinelGroup } from '../support/redis-sentinel.js';

const canStart = await requireSentinelBinaries();
const SERVERS = [7160, 7161] as const;
const SENTINELS = [7165, 7166, 7167] as const;

async function eventually<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error('unreachable');
}

describe.skipIf(!canStart)(`Sentinel: a pub/sub connection cut without a failover (servers ${SERVERS.join(', ')}, sentinels ${SENTINELS.join(', ')})`, () => {
  let group: LocalSentinelGroup;
  let admin: RedisClientType;
  const sentinels = SENTINELS.map((port) => ({ host: '127.0.0.1', port }));

  beforeAll(async () => {
    group = await startSentinelGroup({ serverPorts: SERVERS, sentinelPorts: SENTINELS });
    admin = createClient({ socket: { host: '127.0.0.1', port: SERVERS[0] } });
    admin.on('error', () => undefined);
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    admin?.destroy();
    await group?.stop();
  }, 30_000);

  const flavours = {
    ioredis: async (): Promise<[RedisClientLike, () => void]> => {
      const client = new Redis({ sentinels, name: group.name, lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, retryStrategy: () => 100 });
      client.on('error', () => undefined);
      await client.connect();
      return [client, () => client.disconnect()];
    },
    'node-redis createSentinel': async (): Promise<[RedisClientLike, () => void]> => {
      const client = createSentinel({ name: group.name, sentinelRootNodes: sentinels, nodeClientOptions: { socket: { connectTimeout: 500 }, disableOfflineQueue: true } });
      client.on('error', () => undefined);
      await client.connect();
      return [client as unknown as RedisClientLike, () => client.destroy()];
    },
  };

  for (const [name, connect] of Object.entries(flavours)) {
    it(`an access token signed out everywhere while the notice was lost is refused once the subscription is back (${name})`, async () => {
      const prefix = freshPrefix('sentinel-blip');
      const channel = `${prefix}revocations`;
      const [client, close] = await connect();
      const store = redisStore({ client, prefix, onError: () => undefined });
      const b = createSessionManager({ store, accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 });
      let resyncs = 0;
      const notices: string[] = [];
      const stop = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
      onTestFinished(async () => {
        stop();
        await b.close();
        close();
      });
      const subscribers = async (): Promise<number> => Number(((await admin.sendCommand(['PUBSUB', 'NUMSUB', channel])) as [string, number])[1]);
      await eventually(async () => {
        expect(await subscribers()).toBe(1);
        expect(resyncs).toBeGreaterThanOrEqual(1);
      }, 10_000);
      const resyncsBefore = resyncs;

      const { session } = await b.create({ userId: 'frank' });
      const jwt = await b.issueAccessToken(session);
      expect((await b.verifyAccessToken(jwt)).ok).toBe(true); // cached for 60 s

      // Another instance's sign out everywhere: its epoch write, then its PUBLISH, which runs on
      // the primary right after every pub/sub connection there was dropped (a network blip).
      await admin.sendCommand(['HSET', `${createLayout(prefix).user('frank')}m`, 'e:browser', String(Date.now())]);
      await Promise.all([admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']), admin.sendCommand(['PUBLISH', channel, 'frank'])]);
      // B's subscription comes back by itself and delivers again.
      await eventually(async () => {
        await admin.sendCommand(['PUBLISH', channel, 'after']);
        expect(notices).toContain('after');
      }, 10_000);
      expect(notices).not.toContain('frank');
      const verdict = await b.verifyAccessToken(jwt);
      expect({ resynced: resyncs > resyncsBefore, verdict: verdict.ok ? 'accepted' : verdict.reason }).toEqual({ resynced: true, verdict: 'revoked' });
    }, 40_000);
  }

  // node-redis' Sentinel client subscribes on a pub/sub connection of its own, which it subscribes again
  // after a drop only to what was acknowledged: the store sends a refused SUBSCRIBE again.
  it('hears notices once a refused first SUBSCRIBE is allowed (node-redis createSentinel, an ACL without the channel)', async () => {
    const setUser = (rules: string[]): Promise<unknown> => Promise.all(SERVERS.map((port) => redisCli(port, ['ACL', 'SETUSER', 'app', ...rules])));
    await setUser(['reset', 'on', '>pw', '~*', '+@all', 'resetchannels']);
    const client = createSentinel({ name: group.name, sentinelRootNodes: sentinels, nodeClientOptions: { username: 'app', password: 'pw', socket: { connectTimeout: 500 }, disableOfflineQueue: true } });
    client.on('error', () => undefined);
    await client.connect();
    const prefix = freshPrefix('sentinel-refused');
    const errors: string[] = [];
    const store = redisStore({ client: client as unknown as RedisClientLike, prefix, onError: (error) => errors.push(String(error)) });
    const notices: string[] = [];
    let resyncs = 0;
    const stop = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
    onTestFinished(() => (stop(), client.destroy()));
    await eventually(async () => expect(errors.join()).toContain('NOPERM'), 10_000);

    await setUser(['allchannels']);
    await eventually(async () => {
      await admin.sendCommand(['PUBLISH', `${prefix}revocations`, 'after']);
      expect(notices).toContain('after');
    }, 10_000);
    expect({ resynced: resyncs >= 1, refusalsReported: errors.filter((error) => error.includes('NOPERM')).length }).toEqual({ resynced: true, refusalsReported: 1 });
  }, 40_000);
});
