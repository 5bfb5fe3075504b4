import { invalidInput, SessionError } from '../../src/errors.js';
import type { NewSessionRecord, SessionLimit, SessionRecord, SessionStore } from '../../src/store.js';
import { createDriver } from './driver.js';
import { decodeEpochs, decodeSession, encodeFields, list, numeric, pairs, text } from './codec.js';
import { bucketOfSession, bucketOfUser, createLayout } from './layout.js';
import { createNotices } from './notices.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import { markDue, prune, type PruneContext } from './prune.js';
import { createDurableRunner, createScriptRunner } from './scripts/run.js';
import { createScript, reauthenticateScript, revokeScript, touchScript } from './scripts/sessions.js';
import { createSessionReader } from './read-session.js';
import { eraseUserScript, listScript, revocationStateScript, revokeAllScript, revokeOthersScript } from './scripts/users.js';

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
 * - Revocations are published on `<prefix>revocations`; `subscribe()` opens one duplicate
 *   connection of the app's client to listen, so every instance's manager drops cached epochs
 *   at once (about a millisecond on one host). Notices sent while that connection is down are
 *   lost, so once it delivers again the store calls `onResync` and the manager drops its whole
 *   cache. Without a subscription, `epochCacheTtl` bounds the staleness.
 * - Requires Redis 7.0 or later (PEXPIRETIME, ZADD GT/LT).
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
 * only the pub/sub connection the store opened, never the app's client).
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
  const readSession = createSessionReader({ driver, layout, run, timeoutMs: resolved.commandTimeout, isClosed: () => closed });
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
  const noteDue = (bucket: string, score: number): void => {
    markDue(pruning, bucket, score).catch(resolved.onError);
  };

  return {
    callTimeout: resolved.commandTimeout + (resolved.durability?.timeout ?? 0),
    async create(record, createOptions) {
      checkRecord(record);
      const { denyUntil, limit } = createOptions;
      if (limit !== undefined) checkLimit(limit);
      const bucket = bucketOfUser(record.userId);
      if (bucketOfSession(record.id) !== bucket) {
        throw invalidInput('A Redis session id must start with sessionIdPrefix(userId) so it lives on its user\'s slot.');
      }
      const user = layout.user(bucket, record.userId);
      const reply = list(
        await durable.runSignIn(
          createScript,
          [
            layout.session(bucket, record.id),
            user.index,
            user.epochs,
            user.marks,
            record.deviceKey === undefined ? user.index : user.device(record.kind, record.deviceKey),
            layout.queue(bucket),
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
            ...encodeFields(record),
          ],
          // A sign-in that replaced or evicted a session is a revocation: it must hold like one.
          (raw) => Array.isArray(raw) && [raw[3], raw[4]].some((ids) => Array.isArray(ids) && ids.length > 0),
        ),
        'create',
      );
      const outcome = numeric(reply[0], 'create');
      if (outcome === 0) throw invalidInput('A session with this id already exists.');
      if (outcome === 2) throw new SessionError('SESSION_LIMIT', 'The session limit of this user and kind is reached.');
      const createdAt = numeric(reply[1], 'create');
      const expiresAt = numeric(reply[2], 'create');
      const replacedIds = list(reply[3], 'create').map((id) => text(id, 'create'));
      const evictedIds = list(reply[4], 'create').map((id) => text(id, 'create'));
      const revoked = replacedIds.length > 0 || evictedIds.length > 0;
      noteDue(bucket, revoked && denyUntil !== undefined ? Math.min(expiresAt, denyUntil) : expiresAt);
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
      const { at, reason, denyUntil } = revokeOptions;
      const reply = await durable.run(
        revokeScript,
        [layout.session(bucket, sessionId), layout.queue(bucket)],
        [String(at), reason, denyUntil === undefined ? '' : String(denyUntil), layout.userPrefix(bucket), layout.channel, sessionId],
      );
      if (reply === null || reply === undefined) return null;
      if (denyUntil !== undefined) noteDue(bucket, denyUntil);
      return decodeSession(sessionId, reply);
    },

    async revokeAll(userId, revokeOptions) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const reply = await durable.run(revokeAllScript, [user.epochs, user.marks], [String(revokeOptions.at), layout.channel, userId, ...revokeOptions.kinds]);
      return decodeEpochs(reply);
    },

    async revokeOthers(userId, revokeOptions) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const { keepSessionId, at, reason, denyUntil, kinds } = revokeOptions;
      const reply = await durable.run(
        revokeOthersScript,
        [user.index, user.epochs, layout.queue(bucket)],
        [
          keepSessionId,
          String(at),
          reason,
          denyUntil === undefined ? '' : String(denyUntil),
          layout.sessionPrefix(bucket),
          layout.userPrefix(bucket),
          layout.channel,
          userId,
          ...kinds,
        ],
      );
      const revoked = list(reply, 'revokeOthers').map((id) => text(id, 'revokeOthers'));
      if (revoked.length > 0 && denyUntil !== undefined) noteDue(bucket, denyUntil);
      return revoked;
    },

    async listByUser(userId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const [epochs, rows] = list(await run(listScript, [user.index, user.epochs], [layout.sessionPrefix(bucket)]), 'listByUser');
      const items = list(rows, 'listByUser');
      const sessions: SessionRecord[] = [];
      for (let index = 0; index + 1 < items.length; index += 2) sessions.push(decodeSession(text(items[index], 'listByUser'), items[index + 1]));
      return { sessions, epochs: decodeEpochs(epochs) };
    },

    async getRevocationState(userId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const [epochs, denied] = list(await run(revocationStateScript, [user.epochs, user.denied], []), 'getRevocationState');
      const deniedUntil: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const [id, until] of pairs(denied, 'getRevocationState')) deniedUntil[id] = numeric(until, 'getRevocationState');
      return { epochs: decodeEpochs(epochs), denied: deniedUntil };
    },

    async eraseUser(userId) {
      const bucket = bucketOfUser(userId);
      const user = layout.user(bucket, userId);
      const base = user.index.slice(0, -1);
      return numeric(await run(eraseUserScript, [user.index, user.denied, layout.queue(bucket)], [layout.sessionPrefix(bucket), base, userId]), 'eraseUser');
    },

    prune: (pruneOptions) => prune(pruning, pruneOptions),

    subscribe(listener, onResync) {
      if (closed) throw new SessionError('CLOSED', 'The Redis session store was closed.');
      return notices.add(listener, onResync);
    },

    sessionIdPrefix: bucketOfUser,

    async close() {
      if (closed) return;
      closed = true;
      stopWatchingClient();
      durable.close();
      await notices.close();
    },
  };
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
