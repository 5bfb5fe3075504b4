// node-redis: the store's own pub/sub connection copies the app's reconnectStrategy. Once that
// strategy gives up (here false, with a password the store's connection cannot use), the
// connection is closed until the store connects it again: closing the manager meanwhile must
// still close everything, not throw the client's "The client is closed".
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { eventually, ownRedisServer } from '../support/own-redis.js';
import { requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// A server of its own: the test changes its users.
const PORT = 30054;
const USER = 'app';

describe.skipIf(!canStart)(`redis store whose own node-redis connection gave up (port ${PORT})`, () => {
  const admin = ownRedisServer(PORT, 'gave-up-subscriber');

  it('closes the manager while the store waits to connect its subscriber again', async () => {
    await admin().call('ACL', 'SETUSER', USER, 'reset', 'on', '>pw', '~*', '+@all', 'allchannels');
    const client = createClient({ socket: { host: '127.0.0.1', port: PORT, reconnectStrategy: false }, username: USER, password: 'pw' });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => client.destroy());
    // The app's connection is authenticated already; a new one is refused.
    await admin().call('ACL', 'SETUSER', USER, 'resetpass', '>another');
    const errors: string[] = [];
    const store = redisStore({ client, prefix: freshPrefix('gave-up'), onError: (error) => errors.push(String(error)) });
    const sessions = createSessionManager({ store, accessTokens: { secret: 'x'.repeat(32) } });
    await eventually(() => errors.some((error) => error.includes('WRONGPASS')));
    expect(errors.join()).toContain('WRONGPASS');
    await expect(sessions.close()).resolves.toBeUndefined();
  }, 30_000);
});
