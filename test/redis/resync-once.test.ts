// A notice can be read in the same chunk as the store's SUBSCRIBE acknowledgement, before the
// subscribe's promise settles: the subscription became active once, so the manager is told to
// resync once (here after a refused first SUBSCRIBE, while another instance publishes steadily).
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { eventually, ownRedisServer } from '../support/own-redis.js';
import { requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test changes its users.
const PORT = 30052;
const USER = 'app';

describe.skipIf(!canStart)(`redis store whose subscription becomes active with notices in flight (port ${PORT})`, () => {
  const admin = ownRedisServer(PORT, 'resync-once');

  const clients = {
    ioredis: async () => {
      const client = new Redis({ host: '127.0.0.1', port: PORT, username: USER, password: 'pw', enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
      client.on('error', () => undefined);
      await new Promise((resolve) => client.once('ready', resolve));
      return { client, close: () => client.disconnect() };
    },
    'node-redis': async () => {
      const client = createClient({ socket: { host: '127.0.0.1', port: PORT }, username: USER, password: 'pw' });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: () => client.destroy() };
    },
  };

  for (const [name, connect] of Object.entries(clients)) {
    it(`${name}: tells the manager to resync once`, async () => {
      await admin().call('ACL', 'SETUSER', USER, 'reset', 'on', '>pw', '~*', '+@all', 'resetchannels');
      const { client, close } = await connect();
      const prefix = freshPrefix('resync-once');
      const channel = `${prefix}revocations`;
      const errors: string[] = [];
      const store = redisStore({ client, prefix, onError: (error) => errors.push(String(error)) });
      const notices: string[] = [];
      let resyncs = 0;
      const stop = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
      onTestFinished(() => (stop(), close()));
      await eventually(() => errors.some((error) => error.includes('NOPERM')));
      expect(errors.join()).toContain('NOPERM');

      // Another instance publishes back to back (four pipelines in flight) until this one hears it.
      const publisher = new Redis({ host: '127.0.0.1', port: PORT });
      onTestFinished(() => publisher.disconnect());
      await admin().call('ACL', 'SETUSER', USER, 'allchannels');
      const publish = async (): Promise<void> => {
        for (let round = 0; round < 400 && !notices.includes('user'); round += 1) {
          const pipeline = publisher.pipeline();
          for (let i = 0; i < 100; i += 1) pipeline.publish(channel, 'user');
          await pipeline.exec();
        }
      };
      await Promise.all([publish(), publish(), publish(), publish()]);
      expect({ heard: notices.includes('user'), resyncs }).toEqual({ heard: true, resyncs: 1 });
    }, 30_000);
  }
});
