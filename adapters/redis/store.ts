import { invalidInput, SessionError } from '../../src/errors.js';
import type { ActivityRecord, Epochs, KindStats, NewSessionRecord, SessionLimit, SessionRecord, SessionStore } from '../../src/store.js';
import { createDriver } from './driver.js';
import { decodeActivity, decodeEpochs, decodeSession, encodeActivity, encodeFields, list, numeric, pairs, text } from './codec.js';
import { malformedReply, withTimeout } from './errors.js';
import { redisFederated } from './federated.js';
import { bucketOfSession, bucketOfUser, createLayout, type ActivityKeys } from './layout.js';
import { createNotices, tenantMessage } from './notices.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import { markDue, prune, type DueMark, type PruneContext } from './prune.js';
import { createDurableRunner, createScriptRunner } from './scripts/run.js';
import { createScript, reauthenticateScript, revokeScript, tenantMarkScript, touchScript } from './scripts/sessions.js';
import { createSessionReader, flatHash } from './read-session.js';
import {
  appendActivityScript,
  consumeLinkScript,
  eraseUserScript,
  indexLinkScript,
  listActivityScript,
  listDevicesScript,
  listScript,
  raiseEpochsScript,
  rememberDeviceScript,
  revocationStateScript,
  revokeOthersScript,
  saveLinkScript,
  statsScript,
  tenantsOfScript,
} from './scripts/users.js';

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
  // The activity arguments every writing script takes: id, JSON, at ("" id for none).
  const activityArgs = (entry: ActivityRecord | undefined): string[] => {
    if (entry === undefined) return ['', '', ''];
    checkActivity(entry);
    return [entry.id, encodeActivity(entry), String(entry.at)];
  };
  // The prune queues learn about an owner's activity after the write, like every other queue.
  const activityDue = (owner: ActivityKeys, entry: ActivityRecord | undefined): DueMark | undefined =>
    entry === undefined ? undefined : { bucket: owner.bucket, score: entry.at, lane: 'activity' };
  const ownerOf = (entry: ActivityRecord): ActivityKeys => {
    if (entry.userId !== undefined) return layout.user(bucketOfUser(entry.userId), entry.userId).activity;
    if (entry.tenantId !== undefined) return layout.tenant(entry.tenantId);
    throw invalidInput('An activity entry needs a userId or a tenantId.');
  };
  const readActivity = async (owner: ActivityKeys, limit: number, before: string | undefined): Promise<ActivityRecord[]> => {
    const reply = await run(listActivityScript, [`${owner.base}a`, `${owner.base}A`], [before === undefined ? '+' : `(${before}`, String(limit)]);
    return list(reply, 'listActivity').map((entry) => decodeActivity(entry));
  };

  return {
    callTimeout: resolved.commandTimeout + (resolved.durability?.timeout ?? 0),
    async create(record, createOptions) {
      checkRecord(record);
      const { denyUntil, limit, activity } = createOptions;
      if (limit !== undefined) checkLimit(limit);
      const bucket = bucketOfUser(record.userId);
      if (bucketOfSession(record.id) !== bucket) {
        throw invalidInput('A Redis session id must start with sessionIdPrefix(userId) so it lives on its user\'s slot.');
      }
      const user = layout.user(bucket, record.userId);
      const tenant = record.tenantId === undefined ? undefined : layout.tenant(record.tenantId);
      const written = activityArgs(activity);
      // The entries derived for replaced and evicted sessions share these fields.
      const derived = activity === undefined ? '' : `${JSON.stringify({ userId: activity.userId, tenantId: activity.tenantId, type: 'session.revoked', at: activity.at }).slice(1, -1)},`;
      // On a single server the script reads and raises the tenant's epoch and mark itself. On a
      // cluster it cannot reach the tenant's slot: the epoch is read before, and the mark raised
      // after, the insert (see tenantMarkScript for why that order keeps semantics 11).
      let tenantSource = '';
      const given = Object.create(null) as Record<string, Epochs>;
      if (tenant !== undefined && !clustered) tenantSource = 'k';
      if (tenant !== undefined && clustered) {
        given[record.tenantId!] = await readTenantEpochs(record.tenantId!);
        tenantSource = String(given[record.tenantId!]![record.kind] ?? 0);
      }
      const sameSlot = tenant !== undefined && !clustered;
      const signIn = async (): Promise<readonly unknown[]> =>
        list(
          await durable.runSignIn(
            createScript,
            [
              layout.session(bucket, record.id),
              user.index,
              user.epochs,
              user.marks,
              record.deviceKey === undefined ? user.index : user.device(record.kind, record.deviceKey),
              layout.queue(bucket),
              layout.activityQueue(bucket),
              sameSlot ? tenant.epochs : user.epochs,
              sameSlot ? tenant.marks : user.marks,
            ],
            [
              record.id,
              record.userId,
              record.kind,
              String(record.createdAt),
              String(record.maxAge),
              createOptions.replaceDevice ? '1' : '0',
              denyUntil === undefined ? '' : String(denyUntil),
              record.deviceKey === undefined ? '' : '1',
              layout.sessionPrefix(bucket),
              layout.userPrefix(bucket),
              layout.channel,
              String(record.authenticatedAt),
              limit === undefined ? '' : String(limit.max),
              limit?.onLimit === 'refuse' ? '1' : '',
              limit === undefined ? '' : String(limit.idleBefore),
              tenantSource,
              record.tenantId ?? '',
              crossSlot,
              ...written,
              derived,
              JSON.stringify(given),
              ...encodeFields(record),
            ],
            // A sign-in that replaced or evicted a session is a revocation: it must hold like one.
            (raw) => Array.isArray(raw) && [raw[3], raw[4]].some((ids) => Array.isArray(ids) && ids.length > 0),
          ),
          'create',
        );
      // Device replacement and the cap judge the user's other rows, whose tenants may differ
      // from this sign-in's (or be there when it has none). On a cluster the script cannot read
      // their epochs: it names the ones it met and were not given, before writing anything, and
      // runs again with them (a tenant revoked in between only keeps a dead row dead). Rows
      // that keep naming new tenants (each retry reads what the last one named) give up after a few.
      let reply = await signIn();
      for (let retries = 0; numeric(reply[0], 'create') === 3; retries++) {
        if (retries === 3) throw new SessionError('STORE_UNAVAILABLE', 'The user\'s sessions kept changing tenants during the sign-in: try again.');
        const missing = list(reply[1], 'create').map((id) => text(id, 'create'));
        if (missing.length === 0) throw malformedReply('create');
        for (const [index, epochs] of (await Promise.all(missing.map(readTenantEpochs))).entries()) given[missing[index]!] = epochs;
        reply = await signIn();
      }
      const outcome = numeric(reply[0], 'create');
      if (outcome === 0) throw invalidInput('A session with this id already exists.');
      if (outcome === 2) throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
      const createdAt = numeric(reply[1], 'create');
      const expiresAt = numeric(reply[2], 'create');
      const replacedIds = list(reply[3], 'create').map((id) => text(id, 'create'));
      const evictedIds = list(reply[4], 'create').map((id) => text(id, 'create'));
      if (tenant !== undefined && clustered) await run(tenantMarkScript, [tenant.marks], [record.kind, String(createdAt), String(expiresAt)]);
      const revoked = replacedIds.length > 0 || evictedIds.length > 0;
      noteDue(due(bucket, revoked && denyUntil !== undefined ? Math.min(expiresAt, denyUntil) : expiresAt), activityDue(user.activity, activity));
      const { maxAge: _maxAge, persistent, ...fields } = record;
      const session: SessionRecord = {
        ...fields,
        secretHash: Buffer.from(record.secretHash),
        createdAt,
        expiresAt,
        lastUsedAt: createdAt,
        persistent: persistent === false ? false : undefined,
      };
      return { session, replacedIds, evictedIds };
    },

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

    async appendActivity(entries) {
      // One script per owner (a cluster cannot write two slots at once); a single entry, the
      // usual case, is one step.
      const byOwner = new Map<string, { owner: ActivityKeys; args: string[]; entries: ActivityRecord[] }>();
      for (const entry of entries) {
        // An entry about nobody has no owner to be listed under: nothing to keep.
        if (entry.userId === undefined && entry.tenantId === undefined) continue;
        const owner = ownerOf(entry);
        const group = byOwner.get(owner.base) ?? { owner, args: [owner.base, owner.owner], entries: [] };
        group.args.push(...activityArgs(entry));
        group.entries.push(entry);
        byOwner.set(owner.base, group);
      }
      await Promise.all(
        [...byOwner.values()].map(async ({ owner, args, entries: written }) => {
          await run(appendActivityScript, [layout.activityQueue(owner.bucket)], args);
          noteDue({ bucket: owner.bucket, score: Math.min(...written.map((entry) => entry.at)), lane: 'activity' });
        }),
      );
    },

    async listActivity(userId, listOptions) {
      const { limit, before, tenantId } = listOptions;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidInput('limit must be a whole number from 1 to 1000.');
      if (before !== undefined) checkActivityId(before);
      // The tenant's entries are on another slot on a cluster: two reads, at the same time.
      const pages = await Promise.all([
        readActivity(layout.user(bucketOfUser(userId), userId).activity, limit, before),
        ...(tenantId === undefined ? [] : [readActivity(layout.tenant(tenantId), limit, before)]),
      ]);
      // Ids are ASCII: JavaScript's string order is their byte order.
      return pages
        .flat()
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit);
    },

    async rememberDevice(userId, deviceHash, at) {
      if (!Number.isFinite(at)) throw invalidInput('at must be a finite number.');
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const previous = await run(rememberDeviceScript, [user.devices, layout.deviceQueue(bucket)], [deviceHash, String(at), user.activity.owner]);
      noteDue({ bucket, score: at, lane: 'devices' });
      return previous === null || previous === undefined || previous === false ? null : numeric(previous, 'rememberDevice');
    },

    async listDevices(userId) {
      const user = layout.user(bucketOfUser(userId), userId);
      return [...pairs(await run(listDevicesScript, [user.devices], []), 'listDevices')].map(([deviceHash, lastSeenAt]) => ({
        deviceHash,
        lastSeenAt: numeric(lastSeenAt, 'listDevices'),
      }));
    },

    async saveRevocationLink(link) {
      const key = layout.link(link.id);
      if (key === undefined) throw invalidInput('A revocation link id must be 3 to 64 base64url characters.');
      if (!Number.isFinite(link.expiresAt)) throw invalidInput('expiresAt must be a finite number.');
      const bucket = bucketOfSession(link.id)!;
      const user = layout.user(bucketOfUser(link.userId), link.userId);
      await run(indexLinkScript, [user.links], [link.id, String(link.expiresAt)]);
      const saved = await run(
        saveLinkScript,
        [key, layout.queue(bucket)],
        [Buffer.from(link.secretHash).toString('base64'), link.userId, link.sessionId, String(link.expiresAt), link.id],
      );
      if (numeric(saved, 'saveRevocationLink') === 0) throw invalidInput('A revocation link with this id already exists.');
      noteDue(due(bucket, link.expiresAt));
    },

    async consumeRevocationLink(id, secretHash, now) {
      const key = layout.link(id);
      if (key === undefined) return null;
      const reply = await run(consumeLinkScript, [key], [Buffer.from(secretHash).toString('base64'), String(now)]);
      if (reply === null || reply === undefined || reply === false) return null;
      const [hashed, userId, sessionId, expiresAt] = list(reply, 'consumeRevocationLink');
      return {
        id,
        secretHash: Buffer.from(text(hashed, 'consumeRevocationLink'), 'base64'),
        userId: text(userId, 'consumeRevocationLink'),
        sessionId: text(sessionId, 'consumeRevocationLink'),
        expiresAt: numeric(expiresAt, 'consumeRevocationLink'),
      };
    },

    async stats(now) {
      const counts = new Map<string, { live: number; revoked: number; expired: number }>();
      const { due } = layout.directory;
      // Every bucket holding a session row has its row in its queue, so it is in the directory.
      for (let start = 0; ; start += STATS_PAGE) {
        const buckets = list(await command(due, ['ZRANGE', due, String(start), String(start + STATS_PAGE - 1)]), 'stats').map((bucket) => text(bucket, 'stats'));
        for (let wave = 0; wave < buckets.length; wave += STATS_CONCURRENCY) {
          const replies = await Promise.all(
            buckets.slice(wave, wave + STATS_CONCURRENCY).map((bucket) => run(statsScript, [layout.queue(bucket)], [String(now), layout.sessionPrefix(bucket)])),
          );
          for (const reply of replies) {
            const items = list(reply, 'stats');
            for (let index = 0; index + 3 < items.length; index += 4) {
              const kind = text(items[index], 'stats');
              const count = counts.get(kind) ?? { live: 0, revoked: 0, expired: 0 };
              count.live += numeric(items[index + 1], 'stats');
              count.revoked += numeric(items[index + 2], 'stats');
              count.expired += numeric(items[index + 3], 'stats');
              counts.set(kind, count);
            }
          }
        }
        if (buckets.length < STATS_PAGE) break;
      }
      const result = Object.create(null) as Record<string, KindStats>;
      for (const [kind, count] of counts) result[kind] = count;
      return result;
    },

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

// stats(): directory entries read per page, and buckets counted at once.
const STATS_PAGE = 1_000;
const STATS_CONCURRENCY = 64;

// Activity ids go into Lua-built JSON and are ordered byte by byte: the manager's shape only.
const ACTIVITY_ID = /^[0-9A-Za-z._-]{1,64}$/;

function checkActivityId(id: string): void {
  if (typeof id !== 'string' || !ACTIVITY_ID.test(id)) throw invalidInput('An activity id is 1 to 64 characters of [0-9A-Za-z._-].');
}

function checkActivity(entry: ActivityRecord): void {
  checkActivityId(entry.id);
  if (!Number.isFinite(entry.at)) throw invalidInput('An activity entry needs a finite at.');
}

// Numbers go to Lua as text; a NaN would only surface there as an obscure script error.
function checkRecord(record: NewSessionRecord): void {
  if (!Number.isFinite(record.createdAt) || !Number.isFinite(record.authenticatedAt) || !Number.isFinite(record.maxAge) || record.maxAge <= 0) {
    throw invalidInput('createdAt, authenticatedAt and maxAge must be finite numbers, maxAge above 0.');
  }
}

function checkLimit(limit: SessionLimit): void {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !Number.isFinite(limit.idleBefore)) {
    throw invalidInput('A session limit needs a whole max of at least 1 and a finite idleBefore.');
  }
}
