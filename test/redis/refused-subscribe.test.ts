// A store's first SUBSCRIBE can be refused (here an ACL without the channel, fixed later by the
// operator). A client subscribes again after a reconnect only what was acknowledged, so the
// store must send it again itself, or that instance hears no revocation until restarted.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test changes its users.
const PORT = 7171;
const USER = 'app';

/** Polls `done` every 25 ms for at most 5 s. */
async function eventually(done: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe.skipIf(!canStart)(`redis store whose first SUBSCRIBE is refused (port ${PORT})`, () => {
  let dir: string;
  let pid: number;
  let admin: Redis;
  beforeAll(async () => {
    dir = await makeServerDir('refused-subscribe');
    pid = await launchRedis(PORT, dir);
    admin = new Redis({ host: '127.0.0.1', port: PORT, maxRetriesPerRequest: 1 });
  }, 30_000);
  afterAll(async () => {
    admin?.disconnect();
    if (pid !== undefined) await stopRedis(pid, PORT);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  const clients = {
    ioredis: async () => {
      const client = new Redis({ host: '127.0.0.1', port: PORT, username: USER, password: 'pw', lazyConnect: true, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: () => client.disconnect() };
    },
    'node-redis': async () => {
      const client = createClient({ socket: { host: '127.0.0.1', port: PORT, reconnectStrategy: () => 50 }, username: USER, password: 'pw', disableOfflineQueue: true });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: () => client.destroy() };
    },
  };

  for (const [name, connect] of Object.entries(clients)) {
    it(`${name}: subscribes once the channel is allowed, tells the manager to resync, and reports the refusal once`, async () => {
      // Every command and key, no channel: SUBSCRIBE is refused with NOPERM.
      await admin.call('ACL', 'SETUSER', USER, 'reset', 'on', '>pw', '~*', '+@all', 'resetchannels');
      const { client, close } = await connect();
      const prefix = freshPrefix('refused-subscribe');
      const channel = `${prefix}revocations`;
      const errors: string[] = [];
      const store = redisStore({ client, prefix, onError: (error) => errors.push(String(error)) });
      const notices: string[] = [];
      let resyncs = 0;
      const stop = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
      onTestFinished(() => (stop(), close()));

      expect(await eventually(async () => errors.some((error) => error.includes('NOPERM')))).toBe(true);
      await admin.call('ACL', 'SETUSER', USER, 'allchannels');
      const heard = await eventually(async () => (await admin.call('PUBLISH', channel, 'after'), notices.includes('after')));
      expect({ heard, resynced: resyncs >= 1, refusalsReported: errors.filter((error) => error.includes('NOPERM')).length }).toEqual({ heard: true, resynced: true, refusalsReported: 1 });
    }, 30_000);
  }
});
