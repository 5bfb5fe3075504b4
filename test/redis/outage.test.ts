import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createLayout } from '../../adapters/redis/keys.js';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { connectIoredis, connectNodeRedis, freshPrefix } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();

const PORT = 6391;
const TIMEOUT = 500;
// Scheduling slack on a busy 2-core machine: the store's own timer fires at TIMEOUT.
const SLACK = 750;

/** Runs `operation`, expecting STORE_UNAVAILABLE; returns how long the failure took (ms). */
async function unavailableAfter(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  try {
    await operation();
  } catch (error) {
    expect(isSessionError(error) && error.code).toBe('STORE_UNAVAILABLE');
    return performance.now() - started;
  }
  throw new Error('The operation succeeded while Redis was down.');
}

/** Retries `operation` until it succeeds, at most `timeoutMs`; returns its result. */
async function eventually<T>(operation: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe.skipIf(!canStart)(`Redis outage (own server on 127.0.0.1:${PORT})`, () => {
  let dir: string;
  let pid: number;

  beforeAll(async () => {
    dir = await makeServerDir('outage');
    pid = await launchRedis(PORT, dir);
  }, 30_000);
  afterAll(async () => {
    if (pid !== undefined) await stopRedis(pid, PORT);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  const flavours = [
    ['node-redis, offline queue off (recommended)', () => connectNodeRedis(PORT, { disableOfflineQueue: true })],
    ['node-redis, default offline queue', () => connectNodeRedis(PORT, { disableOfflineQueue: false })],
    ['ioredis', () => connectIoredis(PORT)],
  ] as const;

  for (const [name, connect] of flavours) {
    it(`fails with STORE_UNAVAILABLE within the timeout while Redis is down, then heals by itself (${name})`, async () => {
      const client = await connect();
      const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('down'), commandTimeout: TIMEOUT }) });
      onTestFinished(async () => {
        await sessions.close();
        if (client instanceof Redis) client.disconnect();
        else client.destroy();
      });
      const { token } = await sessions.create({ userId: 'outage' });
      expect((await sessions.validate(token)).ok).toBe(true);

      await stopRedis(pid, PORT, 'SIGKILL');
      expect(await unavailableAfter(() => sessions.validate(token))).toBeLessThan(TIMEOUT + SLACK);
      expect(await unavailableAfter(() => sessions.create({ userId: 'outage' }))).toBeLessThan(TIMEOUT + SLACK);
      expect(await unavailableAfter(() => sessions.revokeAll('outage'))).toBeLessThan(TIMEOUT + SLACK);

      // The same port, an empty server (nothing was persisted): no data, no cached scripts.
      pid = await launchRedis(PORT, dir);
      const fresh = await eventually(() => sessions.create({ userId: 'outage' }));
      expect((await sessions.validate(fresh.token)).ok).toBe(true);
      expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'not_found' });
    }, 30_000);
  }

  it('fails within the timeout when Redis stops answering on an open connection, and resumes after', async () => {
    const client = await connectNodeRedis(PORT);
    const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('hung'), commandTimeout: TIMEOUT }) });
    onTestFinished(async () => {
      process.kill(pid, 'SIGCONT');
      await sessions.close();
      client.destroy();
    });
    const { token } = await sessions.create({ userId: 'hung' });
    process.kill(pid, 'SIGSTOP');
    const elapsed = await unavailableAfter(() => sessions.validate(token));
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(elapsed).toBeLessThan(TIMEOUT + SLACK);
    process.kill(pid, 'SIGCONT');
    expect((await eventually(() => sessions.validate(token))).ok).toBe(true);
  }, 30_000);

  it('the pub/sub connection comes back after an outage and notices flow again', async () => {
    const prefix = freshPrefix('pubsub');
    const clientA = await connectNodeRedis(PORT);
    const clientB = await connectNodeRedis(PORT);
    const reported: unknown[] = [];
    const make = (client: typeof clientA): SessionManager =>
      createSessionManager({
        store: redisStore({ client, prefix, commandTimeout: TIMEOUT, onError: (error) => reported.push(error) }),
        accessTokens: { secret: 'x'.repeat(32) },
        epochCacheTtl: 60_000,
      });
    const first = make(clientA);
    const second = make(clientB);
    onTestFinished(async () => {
      await first.close();
      await second.close();
      clientA.destroy();
      clientB.destroy();
    });
    const subscribers = async (): Promise<number> => Number(((await clientA.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}revocations`])) as [string, number])[1]);
    await eventually(async () => expect(await subscribers()).toBe(2));

    await stopRedis(pid, PORT, 'SIGKILL');
    pid = await launchRedis(PORT, dir);
    await eventually(async () => expect(await subscribers()).toBe(2));
    // The lost subscriber connections were reported, not hidden (a report may come after the server already counts the new subscription).
    await eventually(async () => expect(reported.length).toBeGreaterThanOrEqual(2));

    const { session } = await eventually(() => first.create({ userId: 'erin' }));
    const jwt = await first.issueAccessToken(session);
    expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
    await first.revokeAll('erin');
    // Pushed through the resubscribed channel: the 60 s epoch cache would hold it far longer.
    await eventually(async () => expect((await second.verifyAccessToken(jwt)).ok).toBe(false));
  }, 30_000);

  for (const [name, connect] of [
    ['node-redis', () => connectNodeRedis(PORT)],
    ['ioredis', () => connectIoredis(PORT)],
  ] as const) {
    it(`calls onResync once its cut subscription delivers again, and never passes its probes on (${name})`, async () => {
      const client = await connect();
      const admin = await connectNodeRedis(PORT);
      const store = redisStore({ client, prefix: freshPrefix('resync'), commandTimeout: TIMEOUT, onError: () => undefined });
      const notices: string[] = [];
      let resyncs = 0;
      const unsubscribe = store.subscribe!((notice) => notices.push(notice.userId), () => (resyncs += 1));
      onTestFinished(async () => {
        unsubscribe();
        await store.close!();
        admin.destroy();
        if (client instanceof Redis) client.disconnect();
        else client.destroy();
      });
      await eventually(async () => expect(resyncs).toBe(1));
      // Only this test's server: drops every pub/sub connection, as a network blip would.
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      await eventually(async () => expect(resyncs).toBe(2), 5_000);
      await store.apply({ owner: { userId: 'after-blip' }, writes: [{ type: 'epochs', epochs: { browser: Date.now() } }], notify: true });
      await eventually(async () => expect(notices).toEqual(['after-blip']), 2_000);
    }, 30_000);
  }

  it('a notice lost while the subscription was cut cannot leave a stale cache behind', async () => {
    const prefix = freshPrefix('lost');
    const clientA = await connectNodeRedis(PORT);
    const clientB = await connectNodeRedis(PORT);
    const options = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 };
    const first = createSessionManager({ store: redisStore({ client: clientA, prefix, commandTimeout: TIMEOUT, onError: () => undefined }), ...options });
    const second = createSessionManager({ store: redisStore({ client: clientB, prefix, commandTimeout: TIMEOUT, onError: () => undefined }), ...options });
    onTestFinished(async () => {
      await first.close();
      await second.close();
      clientA.destroy();
      clientB.destroy();
    });
    const { session } = await first.create({ userId: 'frank' });
    const jwt = await first.issueAccessToken(session);
    expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
    await eventually(async () => expect(Number(((await clientA.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}revocations`])) as [string, number])[1])).toBe(2));
    // "Sign out everywhere" while every subscription is cut: the three commands go out in one
    // write and Redis runs them back to back, before any subscriber can reconnect, so the
    // notice reaches nobody.
    const epochs = `${createLayout(prefix).user('frank')}m`;
    await Promise.all([
      clientA.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']),
      clientA.sendCommand(['HSET', epochs, 'e:browser', String(Date.now())]),
      clientA.sendCommand(['PUBLISH', `${prefix}revocations`, 'frank']),
    ]);
    await eventually(async () => expect((await second.verifyAccessToken(jwt)).ok).toBe(false), 3_000);
  }, 30_000);
});
