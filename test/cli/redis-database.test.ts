import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { barePackage, cli, type CliRun } from './bin.js';

const redisUp = await requireService('Redis', 6379);

// A session in db 0 that `revoke-user` on the wrong database would sign out.
describe.skipIf(!redisUp)('session-revocation CLI: the Redis database --store names', () => {
  const prefix = freshPrefix('cli-db');
  let client: RedisClientType;
  let sessions: SessionManager;
  let token: string;
  let bare: ReturnType<typeof barePackage>;
  // The bin as installed here (ioredis), and with node-redis only.
  const revokeWithEachClient = async (store: string): Promise<Array<CliRun & { client: string }>> => {
    const args = ['revoke-user', 'dana', '--store', store, '--prefix', prefix];
    return [{ client: 'ioredis', ...(await cli(args)) }, { client: 'node-redis', ...(await cli(args, { bin: bare.bin })) }];
  };

  beforeAll(async () => {
    client = await connectNodeRedis(6379);
    sessions = createSessionManager({ store: redisStore({ client, prefix }) });
    token = (await sessions.create({ userId: 'dana', userAgent: UA.chromeMac })).token;
    bare = barePackage(['redis']);
  });
  afterAll(async () => {
    bare?.remove();
    await sessions?.close();
    await deleteRunKeys(client, `${prefix}*`);
    await client?.close();
  });

  it('a database the server refuses (99 of 16) fails the command with the server\'s words (exit 1), db 0 untouched, with either client', async () => {
    const stderr = 'session-revocation: cannot connect to Redis at redis://127.0.0.1:6379/99 (ERR DB index is out of range)\n';
    expect(await revokeWithEachClient('redis://127.0.0.1:6379/99')).toEqual([
      { client: 'ioredis', code: 1, stdout: '', stderr },
      { client: 'node-redis', code: 1, stdout: '', stderr },
    ]);
    expect(await sessions.validate(token)).toMatchObject({ ok: true });
  });
});
