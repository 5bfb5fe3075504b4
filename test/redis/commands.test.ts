import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { applyScript, getScript, readUserScript, touchScript } from '../../adapters/redis/scripts.js';
import { createSessionManager } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { addressOf, CommandLog } from './command-log.js';

const redisUp = await requireService('Redis', 6379);

/** How the tests below reach an ioredis client. */
function ioredisFlavour(name: string, client: () => Redis) {
  return { name, client, address: async () => addressOf(await client().call('CLIENT', ['INFO'])) };
}

describe.skipIf(!redisUp)('Redis commands per request', () => {
  let nodeRedis: RedisClientType;
  let ioredis: Redis;
  let autoPipelined: Redis;

  beforeAll(async () => {
    nodeRedis = await connectNodeRedis(6379);
    ioredis = await connectIoredis(6379);
    autoPipelined = await connectIoredis(6379, { enableAutoPipelining: true });
    // A server that has not run a script yet answers NOSCRIPT and the store falls back to
    // EVAL once; the counts below are about a warm server, so its cache is filled first.
    for (const script of [getScript, touchScript]) await nodeRedis.sendCommand(['SCRIPT', 'LOAD', script.source]);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedis);
    await nodeRedis.close();
    await ioredis.quit();
    await autoPipelined.quit();
  });

  // Every client reads a session by the one read-only script, seen before or not.
  const read = new RegExp(`^"evalsha_ro" "${getScript.sha}"`);
  const flavours = [
    { name: 'node-redis', client: () => nodeRedis, address: async () => addressOf(await nodeRedis.sendCommand(['CLIENT', 'INFO'])) },
    ioredisFlavour('ioredis', () => ioredis),
    ioredisFlavour('ioredis with auto-pipelining', () => autoPipelined),
  ];

  for (const flavour of flavours) {
    it(`validates in one script call, and writes only for the throttled touch (${flavour.name})`, async () => {
      const log = await CommandLog.start(6379, [await flavour.address()]);
      onTestFinished(() => log.stop());
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client: flavour.client(), prefix: freshPrefix('cmd') }), clock: clock.read, touchInterval: 60_000 });
      const { token } = await sessions.create({ userId: 'counted', userAgent: UA.chromeMac });
      expect((await sessions.validate(token)).ok).toBe(true);
      // Sign-in: the user read and its batch (the sign-in's activity entry, known device and
      // the prune directory in it), after the store's one INFO (its first write); then the first validation.
      // On a server that had not cached a script yet, its EVALSHA is followed by one EVAL.
      const firstCommands = (await log.take()).filter((command) => !/^"eval(_ro)?" /i.test(command));
      expect(firstCommands.filter((command) => command.startsWith('"info"'))).toEqual(['"info" "memory"']);
      const warmUp = firstCommands.filter((command) => !command.startsWith('"info"'));
      const scripts = warmUp.map((command) => /^"(evalsha(?:_ro)?)" "([0-9a-f]{40})"/i.exec(command)?.[2]);
      expect(scripts.sort()).toEqual([readUserScript.sha, applyScript.sha, getScript.sha].sort());

      for (let index = 0; index < 25; index++) {
        clock.advance(1_000);
        expect((await sessions.validate(token)).ok).toBe(true);
      }
      // Every later validation: the one script call, nothing else.
      const reads = await log.take();
      expect(reads).toHaveLength(25);
      for (const command of reads) expect(command).toMatch(read);

      clock.advance(60_000);
      expect((await sessions.validate(token)).ok).toBe(true);
      const touched = await log.take();
      expect(touched).toHaveLength(2);
      expect(touched[0]).toMatch(read);
      expect(touched[1]).toMatch(new RegExp(`^"evalsha" "${touchScript.sha}"`));

      clock.advance(1_000);
      expect((await sessions.validate(token)).ok).toBe(true);
      expect(await log.take()).toHaveLength(1);
      await sessions.close();
    });

    it(`validates a session with a tenant in one script call too, its tenant's epochs read with the session and the user's (${flavour.name})`, async () => {
      const log = await CommandLog.start(6379, [await flavour.address()]);
      onTestFinished(() => log.stop());
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client: flavour.client(), prefix: freshPrefix('cmdt') }), clock: clock.read, touchInterval: 60_000 });
      const { token } = await sessions.create({ userId: 'counted', tenantId: 'acme', userAgent: UA.chromeMac });
      await log.take();
      // The script reads the row, the user's epochs and the tenant's (named in the row), on first sight and after.
      expect((await sessions.validate(token)).ok).toBe(true);
      const first = (await log.take()).filter((command) => !/^"eval(_ro)?" /i.test(command));
      expect(first).toHaveLength(1);
      expect(first[0]).toMatch(new RegExp(`^"evalsha_ro" "${getScript.sha}"`, 'i'));

      for (let index = 0; index < 10; index++) {
        clock.advance(1_000);
        expect((await sessions.validate(token)).ok).toBe(true);
      }
      const reads = await log.take();
      expect(reads).toHaveLength(10);
      for (const command of reads) expect(command).toMatch(read);
      await sessions.close();
    });
  }
});
