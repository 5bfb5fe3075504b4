import { createClient, type RedisClientType } from 'redis';
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
  const withEachClient = async (args: readonly string[]): Promise<Array<CliRun & { client: string }>> => [
    { client: 'ioredis', ...(await cli(args)) },
    { client: 'node-redis', ...(await cli(args, { bin: bare.bin })) },
  ];
  const revokeWithEachClient = (store: string) => withEachClient(['revoke-user', 'dana', '--store', store, '--prefix', prefix]);

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

  it('a database that is not digits only, in the path or ?db=, is bad usage (exit 2) naming it, never another database, with either client', async () => {
    const usage = (message: string): string => `session-revocation: --store ${message} (see session-revocation --help)\n`;
    const at = 'redis://127.0.0.1:6379';
    const refused: Array<[string, string]> = [
      ...['3x', '-1', 'abc', '1.5', '0x1', '1/'].map((db): [string, string] => [`${at}/${db}`, usage(`${at}/${db}: the Redis database must be a number (digits only), not "${db}"`)]),
      ...['?db=abc', '/?db=-1', '?db=', '?db=1&db=x'].map((query): [string, string] => [`${at}${query}`, usage(`${at}: the Redis database (db in the query) must be a number (digits only; the query is not printed: it may hold a password)`)]),
      [`${at}/1?db=2`, usage(`${at}/1 names databases 1 and 2: name one`)],
      // A password with an unencoded "/": the URL's path holds its end ("word"), not printed.
      ['redis://u:p@ss/word@127.0.0.1:6379/1', usage(`${at}/1: the Redis database must be a number (digits only) (the path is not printed: it may hold a password)`)],
    ];
    const answers = await Promise.all(refused.map(([store]) => revokeWithEachClient(store)));
    expect(answers).toEqual(refused.map(([, stderr]) => [
      { client: 'ioredis', code: 2, stdout: '', stderr },
      { client: 'node-redis', code: 2, stdout: '', stderr },
    ]));
    expect(await sessions.validate(token)).toMatchObject({ ok: true });
  });

  it('?db= names the database for node-redis too, as for ioredis', async () => {
    const inOne = createClient({ socket: { host: '127.0.0.1', port: 6379 }, database: 1 });
    await inOne.connect();
    const elsewhere = createSessionManager({ store: redisStore({ client: inOne, prefix }) });
    try {
      const { session } = await elsewhere.create({ userId: 'erin', userAgent: UA.chromeMac });
      const listed = await withEachClient(['list', 'erin', '--json', '--store', 'redis://127.0.0.1:6379?db=1', '--prefix', prefix]);
      expect(listed.map(({ client, code, stdout }) => ({ client, code, ids: code === 0 ? (JSON.parse(stdout) as Array<{ id: string }>).map(({ id }) => id) : stdout }))).toEqual([
        { client: 'ioredis', code: 0, ids: [session.id] },
        { client: 'node-redis', code: 0, ids: [session.id] },
      ]);
    } finally {
      await elsewhere.close();
      await deleteRunKeys(inOne as RedisClientType, `${prefix}*`);
      await inOne.close();
    }
  });
});
