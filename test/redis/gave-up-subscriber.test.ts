// node-redis: the store's own pub/sub connection copies the app's reconnectStrategy. Once that
// strategy gives up (here false, with a password the store's connection cannot use), the
// connection is closed until the store connects it again: closing the manager meanwhile must
// still close everything, not throw the client's "The client is closed".
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test changes its users.
const PORT = 30054;
const USER = 'app';

describe.skipIf(!canStart)(`redis store whose own node-redis connection gave up (port ${PORT})`, () => {
  let dir: string;
  let pid: number;
  let admin: Redis;
  beforeAll(async () => {
    dir = await makeServerDir('gave-up-subscriber');
    pid = await launchRedis(PORT, dir);
    admin = new Redis({ host: '127.0.0.1', port: PORT, maxRetriesPerRequest: 1 });
  }, 30_000);
  afterAll(async () => {
    admin?.disconnect();
    if (pid !== undefined) await stopRedis(pid, PORT);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  it('closes the manager while the store waits to connect its subscriber again', async () => {
    await admin.call('ACL', 'SETUSER', USER, 'reset', 'on', '>pw', '~*', '+@all', 'allchannels');
    const client = createClient({ socket: { host: '127.0.0.1', port: PORT, reconnectStrategy: false }, username: USER, password: 'pw' });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => client.destroy());
    // The app's connection is authenticated already; a new one is refused.
    await admin.call('ACL', 'SETUSER', USER, 'resetpass', '>another');
    const errors: string[] = [];
    const store = redisStore({ client, prefix: freshPrefix('gave-up'), onError: (error) => errors.push(String(error)) });
    const sessions = createSessionManager({ store, accessTokens: { secret: 'x'.repeat(32) } });
    const deadline = Date.now() + 5_000;
    while (!errors.some((error) => error.includes('WRONGPASS')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(errors.join()).toContain('WRONGPASS');
    await expect(sessions.close()).resolves.toBeUndefined();
  }, 30_000);
});
