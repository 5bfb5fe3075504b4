import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { WatchError, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix, RUN_PREFIX } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { addressOf, CommandLog, CONNECTION_STATE, exercise, TOUCH_INTERVAL } from './command-log.js';

const redisUp = await requireService('Redis', 6379);

describe.skipIf(!redisUp)('Redis store: the app\'s own connection keeps its state', () => {
  let admin: RedisClientType;

  beforeAll(async () => {
    admin = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(admin);
    admin.destroy();
  });

  // How an app WATCHes a key and runs its own transaction on the client it gave the store.
  // node-redis wants a WATCH on a connection of its own (a duplicate): that one is the store's too.
  const watchers = [
    {
      name: 'ioredis',
      open: async () => {
        const client = await connectIoredis(6379);
        return {
          client,
          watch: async (key: string) => void (await client.watch(key)),
          // EXEC answers null when a watched key changed: ioredis resolves with null.
          commits: async (key: string, value: string) => (await client.multi().set(key, value).exec()) !== null,
          close: () => client.disconnect(),
        };
      },
    },
    {
      name: 'node-redis',
      open: async () => {
        const base = await connectNodeRedis(6379);
        const client = base.duplicate();
        client.on('error', () => undefined);
        await client.connect();
        return {
          client,
          watch: async (key: string) => void (await client.watch(key)),
          commits: async (key: string, value: string) => {
            try {
              await client.multi().set(key, value).exec();
              return true;
            } catch (error) {
              if (error instanceof WatchError) return false;
              throw error;
            }
          },
          close: () => {
            client.destroy();
            base.destroy();
          },
        };
      },
    },
  ] as const;

  for (const watcher of watchers) {
    it(`leaves the app's WATCH in place: its transaction aborts after a watched key changed, whatever the store sent in between (${watcher.name})`, async () => {
      const { client, watch, commits, close } = await watcher.open();
      onTestFinished(close);
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('watch') }), clock: clock.read, touchInterval: TOUCH_INTERVAL });
      onTestFinished(() => sessions.close());
      const balance = `${RUN_PREFIX}balance-${watcher.name}`;
      await admin.set(balance, '100');
      const { token, session } = await sessions.create({ userId: 'payer', userAgent: UA.chromeMac });
      expect((await sessions.validate(token)).ok).toBe(true);

      await watch(balance);
      // The store reads a session it read before, touches it, signs in and revokes.
      expect((await sessions.validate(token)).ok).toBe(true);
      clock.advance(TOUCH_INTERVAL + 1);
      expect((await sessions.validate(token)).ok).toBe(true);
      const second = await sessions.create({ userId: 'payer', userAgent: UA.firefoxWindows });
      await sessions.revoke(second.session.id);
      // Another app server spends from the balance, then this one validates again.
      await admin.set(balance, '50');
      expect((await sessions.validate(token)).ok).toBe(true);
      await sessions.revokeOthers('payer', session.id);

      expect(await commits(balance, '90')).toBe(false);
      expect(await admin.get(balance)).toBe('50');
    });
  }

  // The app's client, as each library connects it.
  const flavours = [
    { name: 'node-redis', open: async () => { const client = await connectNodeRedis(6379); return { client, address: addressOf(await client.sendCommand(['CLIENT', 'INFO'])), stream: undefined, close: () => client.destroy() }; } },
    ...(
      [
        ['ioredis', {}],
        ['ioredis with auto-pipelining', { enableAutoPipelining: true }],
      ] as const
    ).map(([name, options]) => ({
      name,
      open: async () => {
        const client: Redis = await connectIoredis(6379, options);
        return {
          client,
          address: addressOf(await client.call('CLIENT', ['INFO'])),
          stream: (client as unknown as { stream: Socket }).stream,
          close: () => client.disconnect(),
        };
      },
    })),
  ];

  for (const flavour of flavours) {
    it(`sends no command that changes the state of the app's connection, and never corks its socket (${flavour.name})`, async () => {
      const { client, address, stream, close } = await flavour.open();
      onTestFinished(close);
      const log = await CommandLog.start(6379, [address]);
      onTestFinished(() => log.stop());
      const corks = stream === undefined ? undefined : vi.spyOn(stream, 'cork');
      onTestFinished(() => corks?.mockRestore());
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('state') }), clock: clock.read, touchInterval: TOUCH_INTERVAL });
      onTestFinished(() => sessions.close());

      await exercise(sessions, clock, 'stateful');

      const sent = await log.take();
      expect(sent.filter((command) => CONNECTION_STATE.test(command))).toEqual([]);
      // What the store does send there: scripts (EVAL once per script the server had not
      // cached), INFO before its first write (the eviction policy), and the PUBLISH probe of a subscription that was cut (see notices.ts).
      const names = new Set(sent.map((command) => /^"([a-z_]+)"/.exec(command)![1]));
      expect([...names].filter((name) => !['evalsha', 'evalsha_ro', 'eval', 'eval_ro', 'publish', 'info'].includes(name!))).toEqual([]);
      expect(sent.filter((command) => command.startsWith('"evalsha_ro"')).length).toBeGreaterThanOrEqual(4);
      if (corks !== undefined) expect(corks).not.toHaveBeenCalled();
    });
  }
});
