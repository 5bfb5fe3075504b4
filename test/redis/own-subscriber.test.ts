// The store's pub/sub connection is its own: it subscribes again after a reconnect even when the
// app's ioredis client was made not to (`autoResubscribe: false`, which its duplicate would inherit).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test cuts every pub/sub connection on it.
const PORT = 7170;

describe.skipIf(!canStart)(`redis store's subscriber on an ioredis client made with autoResubscribe: false (port ${PORT})`, () => {
  let dir: string;
  let pid: number;
  beforeAll(async () => {
    dir = await makeServerDir('own-subscriber');
    pid = await launchRedis(PORT, dir);
  }, 30_000);
  afterAll(async () => {
    if (pid !== undefined) await stopRedis(pid, PORT);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  it('hears notices again after its connection was cut, and tells the manager to resync', async () => {
    const make = (autoResubscribe: boolean): Redis => {
      const client = new Redis({ host: '127.0.0.1', port: PORT, lazyConnect: true, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1, autoResubscribe, retryStrategy: () => 50 });
      client.on('error', () => undefined);
      return client;
    };
    const admin = make(true);
    const client = make(false);
    await admin.connect();
    await client.connect();
    const channel = `${freshPrefix('own-subscriber')}revocations`;
    const store = redisStore({ client, prefix: channel.slice(0, -'revocations'.length), onError: () => undefined });
    const notices: string[] = [];
    let resyncs = 0;
    const stop = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
    onTestFinished(() => {
      stop();
      admin.disconnect();
      client.disconnect();
    });
    const subscribers = async (): Promise<number> => Number(((await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
    // Polls `done` every 25 ms for at most 5 s.
    const eventually = async (done: () => Promise<boolean>): Promise<boolean> => {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        if (await done()) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return false;
    };
    expect(await eventually(async () => (await subscribers()) === 1 && resyncs === 1)).toBe(true);

    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    const heard = await eventually(async () => (await admin.call('PUBLISH', channel, 'after'), notices.includes('after')));
    expect({ heard, subscribers: await subscribers(), resynced: resyncs >= 2 }).toEqual({ heard: true, subscribers: 1, resynced: true });
  }, 30_000);
});
