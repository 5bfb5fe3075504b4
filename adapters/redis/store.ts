import { invalidInput, SessionError } from '../../src/errors.js';
import type { Epochs, SessionRecord, SessionStore } from '../../src/store.js';
import { activityArgs, activityCapability, activityDue, revocationLinkCapability, statsCapability } from './capabilities.js';
import { createDriver } from './driver.js';
import { decodeEpochs, decodeSession, list, numeric, pairs, text } from './codec.js';
import { withTimeout } from './errors.js';
import { redisFederated } from './federated.js';
import { bucketOfSession, bucketOfUser, createLayout } from './layout.js';
import { createNotices, tenantMessage } from './notices.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import { markDue, prune, type DueMark, type PruneContext } from './prune.js';
import { createDurableRunner, createScriptRunner } from './scripts/run.js';
import { reauthenticateScript, revokeScript, touchScript } from './scripts/sessions.js';
import { createSessionReader, flatHash } from './read-session.js';
import { createSignIn } from './sign-in.js';
import { eraseUserScript, listScript, raiseEpochsScript, revocationStateScript, revokeOthersScript, tenantsOfScript } from './scripts/users.js';

/**
 * A session store in Redis, for apps that run more than one instance. Takes a client the app
 * already has: node-redis 5 (`createClient` / `createCluster`, recommended: it costs less CPU
 * per command) or ioredis 5 (`Redis` / `Cluster`). Neither is imported by this module; the
 * app installs the one it uses.
 *
 * How it works:
 * - Each operation is one Lua script called by EVALSHA (EVAL once per server when the script
 *   is not cached yet, after a restart for example): atomic, and one round trip. Validating a
 *   request reads the session and its user's epochs in one EVALSHA_RO (Redis refuses any write
 *   in it); only sign-in, revocation and the throttled touch write. Sign-in and revocations
 *   that add deny-list entries send one more small command (the prune directory), not awaited.
 * - A session is a hash. Revoking leaves it as a tombstone until its absolute expiry; pruning
 *   deletes it after that, and Redis expires it a day later at the latest (PEXPIREAT), for
 *   apps that never prune. "Sign out everywhere" raises the user's
 *   epoch: O(1) however many sessions the user has.
 * - The session cap (`maxSessions`) is decided inside the sign-in script: it counts the user's
 *   live sessions of the kind, evicts the least recently used or refuses, and inserts, in one
 *   atomic step, so sign-ins racing on several instances never leave more than the cap alive.
 * - Redis Cluster: all keys of a user and of the user's sessions share one hash tag, taken
 *   from the first characters of the session id (see `sessionIdPrefix`), so every script
 *   stays on one slot. Commands always go to masters.
 * - Tenants (`revokeTenant`): a tenant's epochs have their own hash tag. On a single server or
 *   Sentinel, a session with a tenant is still validated in one round trip (its tenant's
 *   epochs read in the same script). On Redis Cluster that key is on another
 *   slot: the tenant's read is a second command sent at the same time, and a sign-in with a
 *   tenant reads the tenant's epoch before its script and raises the tenant's high-water mark
 *   after it (see docs/multi-instance.md). A tenant check is never skipped.
 * - Activity entries are written by the same script as the change they record; activity,
 *   known devices and revocation links are pruned in bounded batches like sessions.
 * - Revocations are published on `<prefix>revocations`; `subscribe()` opens one duplicate
 *   connection of the app's client to listen, so every instance's manager drops cached epochs
 *   at once (about a millisecond on one host). Notices sent while that connection is down are
 *   lost, so once it delivers again the store calls `onResync` and the manager drops its whole
 *   cache. Without a subscription, `epochCacheTtl` bounds the staleness.
 * - Requires Redis 7.0 or later (PEXPIRETIME, ZADD GT/LT).
 * - `eraseUser` deletes the user's keys: from then on no command, replica or snapshot taken
 *   afterwards returns them, and Redis frees their memory. Persistence files are the
 *   server's, not the store's: an RDB snapshot taken before the erase keeps the user until it
 *   is replaced, and an append-only file keeps the writes that created the keys until it is
 *   rewritten (`BGREWRITEAOF`, or the automatic rewrite). Where a deletion request needs the
 *   bytes gone, rewrite the AOF (and take a new snapshot) after erasing, and expire older
 *   snapshots and backups on your retention schedule.
 * - Connections: on the app's client the store sends only self-contained commands (scripts,
 *   and a few plain reads, deletes and `PUBLISH`), never one that changes the
 *   connection's state (`MULTI`/`EXEC`, `WATCH`, `SELECT`, `CLIENT`), and it never holds back
 *   the socket's writes: an app may `WATCH` on the client it gave the store. The store opens
 *   connections of its own, duplicates of the app's client: one for pub/sub when the first
 *   listener subscribes (closed with the last, by `close()`, or when the app closes its
 *   client), and with `durability` one for revocations and their `WAIT`, on the first
 *   revocation (closed by `close()` or with the app's client). A node-redis Sentinel client
 *   is never duplicated: the store subscribes through its pub/sub connection, and a
 *   revocation and its `WAIT` share one master connection it leases (`use()`).
 *
 * - Failover: Redis replicates asynchronously, so without `durability` a revocation the
 *   primary acknowledged can be lost when a replica is promoted. With `durability`, every
 *   revocation waits for that many replicas (`WAIT`) or rejects with `STORE_UNAVAILABLE`.
 * - Redis Sentinel clients (ioredis `new Redis({ sentinels, name })`, node-redis
 *   `createSentinel`) work like the others: after a failover, scripts are loaded again on the
 *   new primary and the subscription follows it.
 *
 * @param options - The client, and optionally `prefix`, `commandTimeout`, `pruneLockTtl`, `onError`, `durability`.
 * @returns A {@link SessionStore} with `subscribe`, `sessionIdPrefix` and `close` (which closes
 * only the connections the store opened, never the app's client).
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when `client` is not a node-redis 5 or
 * ioredis 5 client, or an option is out of range. Operations reject with `STORE_UNAVAILABLE`
 * when Redis cannot be reached or does not answer within `commandTimeout` (they succeed again
 * by themselves once the client has reconnected), `CLOSED` after `close()`, `INVALID_INPUT`
 * for a session id that does not start with its user's prefix, and `STORE_ERROR` when Redis
 * answers with an error.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createSessionManager } from 'session-revocation';
 * import { redisStore } from 'session-revocation/redis';
 *
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * client.on('error', (error) => console.error('redis', error));
 * await client.connect();
 *
 * const sessions = createSessionManager({ store: redisStore({ client }) });
 * sessions.startPruning();
 * ```
 */
export function redisStore(options: RedisStoreOptions): SessionStore {
  const resolved = resolveOptions(options);
  const driver = createDriver(resolved.client, resolved.commandTimeout);
  const layout = createLayout(resolved.prefix);
  const notices = createNotices(driver, layout.channel, resolved.onError);
  let closed = false;

  const run = createScriptRunner(driver, resolved.commandTimeout, () => closed);
  // Redis Cluster: a tenant's keys are on another slot than its users' (see layout.ts).
  const clustered = driver.kind === 'node-redis-cluster' || driver.kind === 'ioredis-cluster';
  // The store prefix handed to scripts that may reach a tenant's keys from a user's: "" on a
  // cluster. The scripts read "" as "cannot reach them", so a single server with the empty
  // prefix is served as a cluster is: the tenants' epochs read by the store and given.
  const crossSlot = clustered ? '' : layout.prefix;
  const readSession = createSessionReader({ driver, layout, run, timeoutMs: resolved.commandTimeout, isClosed: () => closed, clustered });
  // Revocation writes go through this one: with `durability`, they wait for the replicas.
  const durable = createDurableRunner(driver, run, {
    timeoutMs: resolved.commandTimeout,
    durability: resolved.durability,
    isClosed: () => closed,
    onError: resolved.onError,
  });
  // The app closed its client: the connection the store opened for revocations goes with it.
  const stopWatchingClient = resolved.durability === undefined ? () => undefined : driver.onClientEnd(() => durable.close());
  const pruning: PruneContext = { run, layout, lockTtl: resolved.pruneLockTtl, onError: resolved.onError };
  // Bookkeeping for the pruner after a write that queued something (see prune.ts): sent at
  // once, so a prune this client runs next is queued behind it, but not awaited. If it fails,
  // the write still happened and nothing is let in: the entry is pruned on its bucket's next
  // visit or leaves with its key's TTL. So the failure goes to onError, not to the caller.
  // One call for everything a write queued (the directories share one slot).
  const noteDue = (...marks: (DueMark | undefined)[]): void => {
    markDue(
      pruning,
      marks.filter((mark): mark is DueMark => mark !== undefined),
    ).catch(resolved.onError);
  };
  const due = (bucket: string, score: number): DueMark => ({ bucket, score, lane: 'main' });
  // One plain command, with the store's timeout and error mapping.
  const command = (key: string, args: string[]): Promise<unknown> => {
    if (closed) return Promise.reject(new SessionError('CLOSED', 'The Redis session store was closed.'));
    return withTimeout(driver.send(key, args), resolved.commandTimeout);
  };
  const readTenantEpochs = async (tenantId: string): Promise<Epochs> => {
    const key = layout.tenant(tenantId).epochs;
    return decodeEpochs(flatHash(await command(key, ['HGETALL', key])));
  };

  const capabilities = { run, layout, noteDue, command };

  return {
    callTimeout: resolved.commandTimeout + (resolved.durability?.timeout ?? 0),
    create: createSignIn({ layout, durable, run, readTenantEpochs, noteDue, clustered }),

    get: readSession,

    async touch(sessionId, at) {
      const bucket = bucketOfSession(sessionId);
      if (bucket === undefined) return false;
      return numeric(await run(touchScript, [layout.session(bucket, sessionId)], [String(at)]), 'touch') === 1;
    },

    async reauthenticate(sessionId, at) {
      const bucket = bucketOfSession(sessionId);
      if (bucket === undefined) return false;
      if (!Number.isFinite(at)) throw invalidInput('at must be a finite number.');
      return numeric(await run(reauthenticateScript, [layout.session(bucket, sessionId)], [String(at)]), 'reauthenticate') === 1;
    },

    async revoke(sessionId, revokeOptions) {
      const bucket = bucketOfSession(sessionId);
      if (bucket === undefined) return null;
      const { at, reason, denyUntil, activity } = revokeOptions;
      const reply = await durable.run(
        revokeScript,
        [layout.session(bucket, sessionId), layout.queue(bucket), layout.activityQueue(bucket)],
        [String(at), reason, denyUntil === undefined ? '' : String(denyUntil), layout.userPrefix(bucket), layout.channel, sessionId, ...activityArgs(activity)],
      );
      if (reply === null || reply === undefined) return null;
      const before = decodeSession(sessionId, reply);
      noteDue(denyUntil === undefined ? undefined : due(bucket, denyUntil), activityDue(layout.user(bucket, before.userId).activity, activity));
      return before;
    },

    async revokeAll(userId, revokeOptions) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const { activity } = revokeOptions;
      const reply = await durable.run(
        raiseEpochsScript,
        [user.epochs, user.marks, layout.activityQueue(bucket)],
        [String(revokeOptions.at), layout.channel, userId, user.activity.base, user.activity.owner, ...activityArgs(activity), ...revokeOptions.kinds],
      );
      noteDue(activityDue(user.activity, activity));
      return decodeEpochs(reply);
    },

    async revokeTenant(tenantId, revokeOptions) {
      const tenant = layout.tenant(tenantId);
      const { activity, at, kinds } = revokeOptions;
      if (!Number.isFinite(at)) throw invalidInput('at must be a finite number.');
      const reply = await durable.run(
        raiseEpochsScript,
        [tenant.epochs, tenant.marks, layout.activityQueue(tenant.bucket)],
        [String(at), layout.channel, tenantMessage(tenantId), tenant.base, tenant.owner, ...activityArgs(activity), ...kinds],
      );
      noteDue(activityDue(tenant, activity));
      return decodeEpochs(reply);
    },

    async revokeOthers(userId, revokeOptions) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const { keepSessionId, at, reason, denyUntil, kinds, activity } = revokeOptions;
      // On a cluster the script cannot reach the tenants' slots: their epochs are read first
      // (a tenant revoked in between only makes a tombstone of a session that was dead already).
      const given = Object.create(null) as Record<string, Epochs>;
      if (crossSlot === '') {
        const named = list(await run(tenantsOfScript, [user.index], [String(at), layout.sessionPrefix(bucket)]), 'revokeOthers').map((id) => text(id, 'revokeOthers'));
        for (const [index, epochs] of (await Promise.all(named.map(readTenantEpochs))).entries()) given[named[index]!] = epochs;
      }
      const reply = await durable.run(
        revokeOthersScript,
        [user.index, user.epochs, layout.queue(bucket), layout.activityQueue(bucket)],
        [
          keepSessionId,
          String(at),
          reason,
          denyUntil === undefined ? '' : String(denyUntil),
          layout.sessionPrefix(bucket),
          layout.userPrefix(bucket),
          layout.channel,
          userId,
          crossSlot,
          ...activityArgs(activity),
          JSON.stringify(given),
          ...kinds,
        ],
      );
      const revoked = list(reply, 'revokeOthers').map((id) => text(id, 'revokeOthers'));
      noteDue(revoked.length > 0 && denyUntil !== undefined ? due(bucket, denyUntil) : undefined, activityDue(user.activity, activity));
      return revoked;
    },

    async listByUser(userId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const [epochs, rows, tenantRows] = list(await run(listScript, [user.index, user.epochs], [layout.sessionPrefix(bucket), crossSlot]), 'listByUser');
      const items = list(rows, 'listByUser');
      const sessions: SessionRecord[] = [];
      for (let index = 0; index + 1 < items.length; index += 2) sessions.push(decodeSession(text(items[index], 'listByUser'), items[index + 1]));
      const tenantEpochs = new Map<string, Epochs>();
      const tenantItems = list(tenantRows ?? [], 'listByUser');
      for (let index = 0; index + 1 < tenantItems.length; index += 2) tenantEpochs.set(text(tenantItems[index], 'listByUser'), decodeEpochs(tenantItems[index + 1]));
      // A cluster (or rows older than their `t` field): the tenants' epochs by their own commands.
      const missing = [...new Set(sessions.map((session) => session.tenantId))].filter((id): id is string => id !== undefined && !tenantEpochs.has(id));
      for (const [index, epochsOfTenant] of (await Promise.all(missing.map(readTenantEpochs))).entries()) tenantEpochs.set(missing[index]!, epochsOfTenant);
      if (tenantEpochs.size === 0) return { sessions, epochs: decodeEpochs(epochs) };
      const byTenant = Object.create(null) as Record<string, Epochs>;
      for (const [id, epochsOfTenant] of tenantEpochs) byTenant[id] = epochsOfTenant;
      return { sessions, epochs: decodeEpochs(epochs), tenantEpochs: byTenant };
    },

    async getRevocationState(userId, tenantId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const sameSlot = tenantId !== undefined && !clustered;
      const keys = sameSlot ? [user.epochs, user.denied, layout.tenant(tenantId).epochs] : [user.epochs, user.denied];
      // On a cluster the tenant's epochs are read beside the script, at the same time.
      const apart = tenantId !== undefined && clustered ? readTenantEpochs(tenantId) : undefined;
      apart?.catch(() => undefined);
      const [epochs, denied, tenantEpochs] = list(await run(revocationStateScript, keys, []), 'getRevocationState');
      const deniedUntil: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const [id, until] of pairs(denied, 'getRevocationState')) deniedUntil[id] = numeric(until, 'getRevocationState');
      if (tenantId === undefined) return { epochs: decodeEpochs(epochs), denied: deniedUntil };
      return { epochs: decodeEpochs(epochs), denied: deniedUntil, tenantEpochs: apart === undefined ? decodeEpochs(tenantEpochs) : await apart };
    },

    async eraseUser(userId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const base = user.index.slice(0, -1);
      const [deleted, foreign] = list(
        await run(
          eraseUserScript,
          [
            user.index,
            user.denied,
            layout.queue(bucket),
            layout.activityQueue(bucket),
            layout.deviceQueue(bucket),
            `${base}a`,
            `${base}A`,
            `${base}at`,
            user.devices,
            user.links,
          ],
          [layout.sessionPrefix(bucket), base, userId, bucket, crossSlot],
        ),
        'eraseUser',
      );
      // Links on other slots (a cluster): deleted one by one, then dropped from the index, so
      // a failure here leaves them listed for the next eraseUser.
      const linkIds = list(foreign, 'eraseUser').map((id) => text(id, 'eraseUser'));
      if (linkIds.length > 0) {
        await Promise.all(
          linkIds.flatMap((id) => {
            const key = layout.link(id);
            if (key === undefined) return [];
            const queue = layout.queue(bucketOfSession(id)!);
            return [command(key, ['DEL', key]), command(queue, ['ZREM', queue, `l ${id} -`])];
          }),
        );
        await command(user.links, ['ZREM', user.links, ...linkIds]);
      }
      return numeric(deleted, 'eraseUser');
    },

    prune: (pruneOptions) => prune(pruning, pruneOptions),

    ...activityCapability(capabilities),
    ...revocationLinkCapability(capabilities),
    ...statsCapability(capabilities),

    subscribe(listener, onResync) {
      if (closed) throw new SessionError('CLOSED', 'The Redis session store was closed.');
      return notices.add(listener, onResync);
    },

    sessionIdPrefix: bucketOfUser,

    ...redisFederated(run, layout.prefix),

    async close() {
      if (closed) return;
      closed = true;
      stopWatchingClient();
      durable.close();
      await notices.close();
    },
  };
}
