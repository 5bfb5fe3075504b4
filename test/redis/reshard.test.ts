import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { userBucket } from '../../src/store-records.js';
import { freshPrefix } from '../support/redis-clients.js';
import { startReplicatedCluster, type ReplicatedCluster } from '../support/redis-cluster.js';
import { redisCli, requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
// 3 masters with a replica each, for `durability`; bus ports +10000.
const PORTS = [7200, 7201, 7202, 7203, 7204, 7205] as const;
const host = '127.0.0.1';

/** The slot of a user's keys, its master, and another master to move it to. */
async function placeOf(cluster: ReplicatedCluster, userId: string): Promise<{ slot: number; from: number; to: number; masters: number[] }> {
  const masters = await cluster.masters();
  const slot = Number(await redisCli(masters[0]!, ['cluster', 'keyslot', `{${userBucket(userId)}}`]));
  for (const port of masters) {
    const self = (await redisCli(port, ['cluster', 'nodes'])).split('\n').find((line) => line.includes('myself')) ?? '';
    const ranges = self.split(' ').slice(8).filter((part) => /^\d+(-\d+)?$/.test(part)).map((part) => part.split('-').map(Number));
    if (ranges.some(([first, last]) => slot >= first! && slot <= (last ?? first!))) return { slot, from: port, to: masters.find((other) => other !== port)!, masters };
  }
  throw new Error(`No master serves slot ${slot}.`);
}

/** Starts moving `slot` as `redis-cli --cluster reshard` does: the target imports it, the source migrates it. */
async function beginMove(slot: number, from: number, to: number): Promise<void> {
  await redisCli(to, ['cluster', 'setslot', String(slot), 'importing', await redisCli(from, ['cluster', 'myid'])]);
  await redisCli(from, ['cluster', 'setslot', String(slot), 'migrating', await redisCli(to, ['cluster', 'myid'])]);
}

/** MIGRATEs the slot's keys that `moves` picks from `from` to `to` (at most 50 rounds of 100). */
async function migrateKeys(slot: number, from: number, to: number, moves: (key: string) => boolean = () => true): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const keys = (await redisCli(from, ['cluster', 'getkeysinslot', String(slot), '100'])).split('\n').filter((key) => key !== '' && moves(key));
    if (keys.length === 0) return;
    const reply = await redisCli(from, ['migrate', host, String(to), '', '0', '5000', 'KEYS', ...keys]);
    if (reply !== 'OK') throw new Error(`MIGRATE answered ${reply}`);
  }
  throw new Error(`Slot ${slot} still had keys to move after 50 rounds.`);
}

/** Ends the move: every master learns the slot's new owner. */
async function endMove(slot: number, to: number, masters: readonly number[]): Promise<void> {
  const id = await redisCli(to, ['cluster', 'myid']);
  for (const port of [to, ...masters.filter((port) => port !== to)]) await redisCli(port, ['cluster', 'setslot', String(slot), 'node', id]);
}

/** A call's outcome: its value, or the SessionError code it failed with. */
const outcome = <T>(call: Promise<T>): Promise<T | string> => call.catch((error: unknown) => (isSessionError(error) ? error.code : Promise.reject(error)));

describe.skipIf(!canStart)(`Redis Cluster resharding (127.0.0.1:${PORTS[0]}-${PORTS.at(-1)})`, () => {
  let cluster: ReplicatedCluster;
  beforeAll(async () => {
    cluster = await startReplicatedCluster(PORTS);
  }, 90_000);
  afterAll(async () => cluster?.stop(), 30_000);

  /** A manager on a fresh client of `kind` (as `user`, if given), every validation read from Redis, revocations waiting for a replica. */
  async function managerOn(kind: 'node-redis' | 'ioredis', { user, prefix = freshPrefix('reshard') }: { user?: { username: string; password: string }; prefix?: string } = {}): Promise<SessionManager> {
    let client: RedisClientLike;
    if (kind === 'node-redis') {
      const nodeRedis = createCluster({ rootNodes: [{ socket: { host, port: PORTS[0] } }], defaults: { socket: { connectTimeout: 1_000 }, disableOfflineQueue: true, ...user } });
      nodeRedis.on('error', () => undefined);
      await nodeRedis.connect();
      onTestFinished(() => nodeRedis.destroy());
      client = nodeRedis;
    } else {
      const io = new Cluster([{ host, port: PORTS[0] }], { lazyConnect: true, enableOfflineQueue: false, redisOptions: { connectTimeout: 1_000, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false, ...user } });
      io.on('error', () => undefined);
      await io.connect();
      onTestFinished(() => io.disconnect());
      client = io;
    }
    const store = redisStore({ client, prefix, commandTimeout: 1_000, durability: { replicas: 1, timeout: 1_000 }, onError: () => undefined });
    const manager = createSessionManager({ store, accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 0, onError: () => undefined });
    onTestFinished(() => manager.close());
    return manager;
  }

  for (const kind of ['node-redis', 'ioredis'] as const) {
    it(`after a user's slot moved to another master, sign-ins, validations, revoke and sign-out-everywhere work, the store's own durable writer included (${kind})`, async () => {
      const manager = await managerOn(kind);
      const userId = `moved-${kind}`;
      const [kept, revoked, other] = [await manager.create({ userId }), await manager.create({ userId }), await manager.create({ userId })];
      await manager.revoke(revoked.session.id); // opens the store's durable writer on the old owner
      const { slot, from, to, masters } = await placeOf(cluster, userId);
      await beginMove(slot, from, to);
      await migrateKeys(slot, from, to);
      await endMove(slot, to, masters);
      await redisCli(to, ['script', 'flush']); // the new owner has no script cached: NOSCRIPT, then EVAL

      // First on the writer: MOVED, then NOSCRIPT on the new owner.
      expect(await manager.revoke(other.session.id)).toBe(true);
      expect(await manager.validate(other.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await manager.validate(kept.token)).ok).toBe(true);
      expect(await manager.validate(revoked.token)).toEqual({ ok: false, reason: 'revoked' });
      const later = await manager.create({ userId });
      expect(await manager.revoke(kept.session.id)).toBe(true);
      expect(await manager.validate(kept.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await manager.validate(later.token)).ok).toBe(true);
      await manager.revokeAll(userId);
      expect(await manager.validate(later.token)).toEqual({ ok: false, reason: 'revoked' });
    }, 60_000);

    it(`while a user's slot migrates, a session signed out everywhere is never let in and a call is answered, or refused as STORE_UNAVAILABLE, never STORE_ERROR; nothing is split (${kind})`, async () => {
      const manager = await managerOn(kind);
      const userId = `moving-${kind}`;
      const [signedOut, live] = [await manager.create({ userId }), await manager.create({ userId })];
      await manager.revokeAll(userId);
      const fresh = await manager.create({ userId });
      const { slot, from, to, masters } = await placeOf(cluster, userId);
      await beginMove(slot, from, to);
      // The signed-out session's row moves first; the user's epochs stay behind on the old owner.
      await migrateKeys(slot, from, to, (key) => key.endsWith(`:s:${signedOut.session.id}`));

      const seen = {
        signedOut: await outcome(manager.validate(signedOut.token)),
        live: await outcome(manager.validate(live.token)),
        fresh: await outcome(manager.validate(fresh.token)),
        signIn: await outcome(manager.create({ userId })),
        list: await outcome(manager.list(userId)),
        revoke: await outcome(manager.revoke(fresh.session.id)),
      };
      if (typeof seen.signedOut !== 'string') expect(seen.signedOut).toEqual({ ok: false, reason: 'revoked' });
      if (typeof seen.live !== 'string') expect(seen.live).toEqual({ ok: false, reason: 'revoked' });
      for (const [call, answer] of Object.entries(seen)) {
        if (typeof answer === 'string') expect(answer, `${call} during the migration`).toBe('STORE_UNAVAILABLE');
      }

      await migrateKeys(slot, from, to);
      await endMove(slot, to, masters);
      expect(await manager.validate(signedOut.token)).toEqual({ ok: false, reason: 'revoked' });
      // A sign-in answered during the migration is listed once it is over: its user's index was not split across nodes.
      const listed = (await manager.list(userId)).map((session) => session.id).sort();
      const signedIn = typeof seen.signIn === 'string' ? [] : [seen.signIn.session.id];
      const stillLive = seen.revoke === true ? [] : [fresh.session.id];
      expect(listed).toEqual([...signedIn, ...stillLive].sort());
    }, 60_000);
  }

  for (const kind of ['node-redis', 'ioredis'] as const) {
    it(`a user the cluster's ACL refuses EXISTS (the slot probe) is refused every call as STORE_ERROR, never let in unprobed (${kind})`, async () => {
      const username = `no-exists-${kind}`;
      for (const port of PORTS) await redisCli(port, ['acl', 'setuser', username, 'reset', 'on', '>secret', '~*', '&*', '+@all', '-exists']);
      onTestFinished(async () => {
        for (const port of PORTS) await redisCli(port, ['acl', 'deluser', username]);
      });
      const prefix = freshPrefix('reshard-acl');
      const signedIn = await (await managerOn(kind, { prefix })).create({ userId: `acl-${kind}` });
      const limited = await managerOn(kind, { user: { username, password: 'secret' }, prefix });
      expect(await outcome(limited.validate(signedIn.token))).toBe('STORE_ERROR');
      expect(await outcome(limited.create({ userId: `acl-${kind}` }))).toBe('STORE_ERROR');
    }, 60_000);
  }
});
