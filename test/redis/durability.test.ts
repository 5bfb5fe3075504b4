import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { EventReader } from '../../src/testing/framework/live-events.js';
import { serveApp } from '../frameworks/five-apps.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const redisUp = await requireService('Redis', 6379);

/** The SessionError code `operation` rejects with, or "resolved". */
async function outcome(operation: () => Promise<unknown>): Promise<string> {
  try {
    await operation();
    return 'resolved';
  } catch (error) {
    return isSessionError(error) ? error.code : String(error);
  }
}

describe('redisStore() options', () => {
  const client = { call: async () => null, isCluster: false, duplicate: () => ({}), pipeline: () => ({}), options: { enableOfflineQueue: false, autoResendUnfulfilledCommands: false } } as never;

  it('refuses an option it does not know, naming it (a mistyped durability must not be ignored)', () => {
    for (const [options, name] of [
      [{ client, durabilty: { replicas: 1, timeout: 100 } }, 'durabilty'],
      [{ client, prefx: 'a:' }, 'prefx'],
      [{ client, durability: { replicas: 1, timeout: 100, replica: 2 } }, 'replica'],
    ] as const) {
      expect(() => redisStore(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining(`"${name}"`) }));
    }
  });

  it('checks durability when the store is made: replicas a whole number from 1, timeout in ms', () => {
    for (const durability of [null, 1, {}, { replicas: 0, timeout: 100 }, { replicas: 1.5, timeout: 100 }, { replicas: '1', timeout: 100 }, { replicas: 1 }, { replicas: 1, timeout: -1 }, { replicas: 1, timeout: 0 }]) {
      expect(() => redisStore({ client, durability } as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('durability') }));
    }
    expect(() => redisStore({ client, durability: { replicas: 2, timeout: 500 } })).not.toThrow();
  });
});

describe.skipIf(!redisUp)('durability on a Redis without replicas (127.0.0.1:6379)', () => {
  let nodeRedis: RedisClientType;
  let ioredis: Awaited<ReturnType<typeof connectIoredis>>;
  beforeAll(async () => {
    nodeRedis = await connectNodeRedis(6379);
    ioredis = await connectIoredis(6379);
  });
  afterAll(async () => {
    if (nodeRedis !== undefined) await deleteRunKeys(nodeRedis);
    await nodeRedis?.close();
    await ioredis?.quit();
  });

  for (const [name, client] of [
    ['node-redis', () => nodeRedis],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`never reports a revocation as done when no replica acknowledged it; sign-ins and reads do not wait (${name})`, async () => {
      const store = redisStore({ client: client(), prefix: freshPrefix('dur'), durability: { replicas: 1, timeout: 50 } });
      const sessions = createSessionManager({ store });
      const chrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
      const { token, session } = await sessions.create({ userId: 'u1', userAgent: chrome });
      expect((await sessions.validate(token)).ok).toBe(true);
      // The session first: once "sign out everywhere" reached the primary it has ended, and revoking it writes nothing.
      expect(await outcome(() => sessions.revoke(session.id))).toBe('STORE_UNAVAILABLE');
      expect(await outcome(() => sessions.revokeAll('u1'))).toBe('STORE_UNAVAILABLE');
      // Two live sessions (those before reached the primary revoked): one to keep, one to end.
      const other = await sessions.create({ userId: 'u1' });
      await sessions.create({ userId: 'u1' });
      expect(await outcome(() => sessions.revokeOthers('u1', other.session.id))).toBe('STORE_UNAVAILABLE');
      // Signing in again from the same browser replaces the session there: a revocation, so it
      // waits too. (u1's writes above reached the primary, just not a replica: u2 is fresh.)
      await sessions.create({ userId: 'u2', userAgent: chrome });
      expect(await outcome(() => sessions.create({ userId: 'u2', userAgent: chrome }))).toBe('STORE_UNAVAILABLE');
      // So does a sign-in over maxSessions that signs the least recently used device out; one
      // under the cap does not, and one refused at the cap wrote nothing to wait for.
      const capped = createSessionManager({ store, maxSessions: 1 });
      await capped.create({ userId: 'u3' });
      expect(await outcome(() => capped.create({ userId: 'u3' }))).toBe('STORE_UNAVAILABLE');
      const refusing = createSessionManager({ store, maxSessions: 1, onMaxSessions: 'refuse' });
      await refusing.create({ userId: 'u4' });
      expect(await outcome(() => refusing.create({ userId: 'u4' }))).toBe('SESSION_LIMIT');
      await sessions.close();
    });

    it(`never holds up validations while a revocation waits for replicas (${name})`, async () => {
      const sessions = createSessionManager({ store: redisStore({ client: client(), prefix: freshPrefix('durv'), durability: { replicas: 1, timeout: 3_000 } }) });
      const { token } = await sessions.create({ userId: 'v1' });
      const waiting = outcome(() => sessions.revokeAll('v2'));
      // Until the WAIT is on the server (a connection blocked in it), bounded.
      for (let poll = 0; poll < 200 && !String(await nodeRedis.sendCommand(['CLIENT', 'LIST'])).includes('cmd=wait'); poll++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(String(await nodeRedis.sendCommand(['CLIENT', 'LIST']))).toContain('cmd=wait');
      const started = performance.now();
      expect((await sessions.validate(token)).ok).toBe(true);
      // WAIT blocks the connection it is sent on; the store sends it on its own. Behind the WAIT
      // the validation would take its whole 3 s; the bound leaves room for a stalled machine.
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(await waiting).toBe('STORE_UNAVAILABLE');
      await sessions.close();
    });
  }

  it("a revocation answered 503 for want of a replica, yet in force, still signs the device's open page out on another instance", async () => {
    const prefix = freshPrefix('durn');
    const sessions = createSessionManager({ store: redisStore({ client: nodeRedis, prefix, durability: { replicas: 1, timeout: 50 } }) });
    const other = createSessionManager({ store: redisStore({ client: nodeRedis, prefix }) });
    // The other instance's subscription is acknowledged (its resync) before the page opens there.
    const subscribed = new Promise<void>((resolve) => other.watchRevocations((notice) => notice === null && resolve()));
    await subscribed;
    const server = await serveApp('express', other, { heartbeat: 60_000 });
    try {
      const signIn = await fetch(`${server.url}/login?user=stolen`, { method: 'POST' });
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const { sessionId } = (await signIn.json()) as { sessionId: string };
      const events = new EventReader((await fetch(`${server.url}/sessions/events`, { headers: { cookie } })).body!);
      expect((await events.next())?.event).toBe('comment');
      expect(await outcome(() => sessions.revoke(sessionId))).toBe('STORE_UNAVAILABLE');
      expect((await other.validate(cookie.slice(cookie.indexOf('=') + 1))).ok).toBe(false);
      const event = await Promise.race([events.nextEvent(), new Promise((resolve) => setTimeout(resolve, 5_000, 'no event within 5 s'))]);
      await events.cancel();
      expect(event).toEqual({ event: 'revoked', data: '{"reason":"revoked"}' });
    } finally {
      await server.close();
      await sessions.close();
      await other.close();
    }
  });

  it("waits for its own connection to be ready with ioredis's enableOfflineQueue: false (the first write after start-up does not fail)", async () => {
    // Connecting by itself, as an app's client does (no lazyConnect): the store's duplicate is
    // still connecting when the first sign-in uses it, and without an offline queue ioredis
    // refuses a command sent before 'ready' at once.
    const app = new Redis({ host: '127.0.0.1', port: 6379, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1 });
    app.on('error', () => undefined);
    await once(app, 'ready');
    try {
      const sessions = createSessionManager({ store: redisStore({ client: app, prefix: freshPrefix('durq'), durability: { replicas: 1, timeout: 50 } }) });
      const { token } = await sessions.create({ userId: 'q1' });
      expect((await sessions.validate(token)).ok).toBe(true);
      // A revocation on the same, now ready, connection: refused for want of a replica, not
      // for a connection that was not ready.
      expect(await outcome(() => sessions.revokeAll('q1'))).toBe('STORE_UNAVAILABLE');
      const second = createSessionManager({ store: redisStore({ client: app, prefix: freshPrefix('durq'), durability: { replicas: 1, timeout: 50 } }) });
      await expect(second.revokeAll('q2')).rejects.toThrow(/replicas acknowledged/);
      await sessions.close();
      await second.close();
    } finally {
      app.disconnect();
    }
  });

  // The app's client reaches Redis through a proxy that then drops everything: the store's own
  // connection, opened by the first write, cannot become ready. Writes refused meanwhile must
  // stay refused once the link is back, not run then (a sign-in the user was told failed would
  // become a device on their list, and count against a session cap).
  const throughProxy: readonly [string, (port: number) => Promise<{ client: RedisClientType | Redis; close: () => void }>][] = [
    [
      'ioredis',
      async (port) => {
        const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
        client.on('error', () => undefined);
        await once(client, 'ready');
        return { client, close: () => client.disconnect() };
      },
    ],
    ...[true, false].map((disableOfflineQueue): [string, (port: number) => Promise<{ client: RedisClientType; close: () => void }>] => [
      `node-redis, disableOfflineQueue: ${disableOfflineQueue}`,
      async (port) => {
        const client = await connectNodeRedis(port, { disableOfflineQueue });
        return { client, close: () => client.destroy() };
      },
    ]),
  ];
  for (const [name, connect] of throughProxy) {
    it(`a write refused while the store's own connection is not ready is never sent later (${name})`, async () => {
      const proxy = await startTcpProxy(0, 6379);
      const app = await connect(proxy.port);
      try {
        const prefix = freshPrefix('durl');
        const store = redisStore({ client: app.client, prefix, commandTimeout: 200, durability: { replicas: 1, timeout: 50 } });
        const sessions = createSessionManager({ store });
        proxy.cut();
        for (let attempt = 0; attempt < 3; attempt++) expect(await outcome(() => sessions.create({ userId: 'late' }))).toBe('STORE_UNAVAILABLE');
        proxy.heal();
        // Once a sign-in goes through, the store's connection is ready: anything it held was sent.
        let probed = 'not tried';
        for (let attempt = 0; attempt < 50 && probed !== 'resolved'; attempt++) {
          probed = await outcome(() => sessions.create({ userId: 'probe' }));
          if (probed !== 'resolved') await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(probed).toBe('resolved');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const reader = createSessionManager({ store: redisStore({ client: nodeRedis, prefix }) });
        expect(await reader.list('late')).toEqual([]);
        expect(await reader.list('probe')).not.toEqual([]);
        await sessions.close();
      } finally {
        app.close();
        await proxy.close();
      }
    });
  }
});
