// A store's first SUBSCRIBE can be refused (here an ACL without the channel, fixed later by the
// operator). A client subscribes again after a reconnect only what was acknowledged, so the
// store must send it again itself, or that instance hears no revocation until restarted.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { eventually, ownRedisServer } from '../support/own-redis.js';
import { requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test changes its users.
const PORT = 7171;
const USER = 'app';

describe.skipIf(!canStart)(`redis store whose first SUBSCRIBE is refused (port ${PORT})`, () => {
  const admin = ownRedisServer(PORT, 'refused-subscribe');

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
      await admin().call('ACL', 'SETUSER', USER, 'reset', 'on', '>pw', '~*', '+@all', 'resetchannels');
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
      await admin().call('ACL', 'SETUSER', USER, 'allchannels');
      const heard = await eventually(async () => (await admin().call('PUBLISH', channel, 'after'), notices.includes('after')));
      expect({ heard, resynced: resyncs >= 1, refusalsReported: errors.filter((error) => error.includes('NOPERM')).length }).toEqual({ heard: true, resynced: true, refusalsReported: 1 });
    }, 30_000);
  }
});
