import { randomUUID } from 'node:crypto';
import { halfwayTo } from '../../src/core/timer.js';
import { SessionError } from '../../src/errors.js';
import { callBack } from '../../src/events.js';
import type { ActivityRecord, Epochs, KindStats, SessionStore } from '../../src/store.js';
import { createDriver, type DurableWriter } from './driver.js';
import { replyCode, withTimeout } from './errors.js';
import { createLayout, decodeActivity, decodeSession, epochsOf, fieldsOf, list, numeric, pairs, text, versionOf } from './keys.js';
import { createNotices, tenantMessage } from './notices.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import * as scripts from './scripts.js';
import { planBatch } from './writes.js';

// Cluster: sessions whose tenant hash this process knows, so get() reads it beside the script.
const TENANTS_KEPT = 20_000;
// prune(): queues per page, rounds per lane (enough for every bucket's queue: users' and keys' 64^3, tenants' 16^4; time bounds a call), members per queue and script.
const PAGE = 100;
const ROUNDS = Math.ceil((64 ** 3 + 16 ** 4) / PAGE);
const CAP = 1_000;

/**
 * A session store in Redis 7.0+ for apps that run more than one instance, over the app's node-redis 5
 * or ioredis 5 client: single server, Sentinel or Cluster.
 *
 * - Every call is one Lua script: `get` reads the session with its user's and tenant's epochs,
 *   `apply` checks the owner's version and writes the batch.
 * - On a Cluster a session id starts with its user's bucket, so a session and its user share a slot.
 * - Rows expire in Redis a day past `expiresAt`; `prune` deletes them first, in bounded steps.
 * - Batches with `notify` are published on `<prefix>revocations`; `subscribe()` listens on a
 *   duplicate of the app's client.
 *
 * @returns A {@link SessionStore} with `subscribe`, `listActivity` and `stats`; its `close()` never closes the app's client.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for another client or an
 * option out of range. Calls reject with `STORE_UNAVAILABLE` when Redis is unreachable or silent
 * past `commandTimeout`, `STORE_ERROR` when it answers an error, `CLOSED` after `close()`.
 *
 * @example
 * ```ts
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * await client.connect();
 * const sessions = createSessionManager({ store: redisStore({ client }) });
 * ```
 */
export function redisStore(options: RedisStoreOptions): SessionStore {
  const { client, prefix, commandTimeout, pruneLockTtl, onError, durability } = resolveOptions(options);
  const driver = createDriver(client, commandTimeout);
  const layout = createLayout(prefix);
  const notices = createNotices(driver, layout.channel, onError);
  const clustered = driver.kind === 'node-redis-cluster' || driver.kind === 'ioredis-cluster';
  const budget = commandTimeout + (durability?.timeout ?? 0);
  const tenantOf = new Map<string, string>();
  let closed = false;
  let writer: DurableWriter | undefined;
  // The app closed its client: the store's own connection goes with it.
  const closeWriter = (): void => void (writer?.close(), (writer = undefined));
  const stopWatchingClient = durability === undefined ? () => undefined : driver.onClientEnd(closeWriter);

  // Every call: refused once closed, bounded by the budget, errors as SessionError.
  const guard = <T>(operation: () => Promise<T>): Promise<T> =>
    closed ? Promise.reject(new SessionError('CLOSED', 'The Redis session store was closed.')) : withTimeout(operation(), budget);
  // A server that has not cached a script (it restarted, failed over) answers NOSCRIPT: EVAL then. A cluster's checks that its slot is not moving.
  const evaluate = async (script: scripts.Script, keys: string[], args: string[], send: (command: string[]) => Promise<unknown>): Promise<unknown> => {
    const { readOnly, sha, source } = clustered ? script.cluster : script;
    const command = [readOnly ? 'EVALSHA_RO' : 'EVALSHA', sha, String(keys.length), ...keys, ...args];
    try {
      return await send(command);
    } catch (error) {
      if (replyCode(error) !== 'NOSCRIPT') throw error;
      return send([readOnly ? 'EVAL_RO' : 'EVAL', source, ...command.slice(2)]);
    }
  };
  const run = (script: scripts.Script, keys: string[], args: string[]): Promise<unknown> => evaluate(script, keys, args, (command) => driver.send(keys[0]!, command));
  // A write; one that revokes, with `durability`, on the store's own connection with WAIT behind it.
  const write = async (durable: boolean, key: string, expected: string, bump: boolean, writes: string[], announce?: () => void): Promise<unknown> => {
    const args = [expected, bump ? '1' : '0', clustered ? '' : layout.directory(''), ...writes];
    if (durability === undefined || !durable) return run(scripts.applyScript, [key], args);
    const own = (writer ??= driver.openWriter(onError));
    const sent = (await evaluate(scripts.applyScript, [key], args, (command) => own.sendAndWait(key, command, durability.replicas, durability.timeout))) as { reply: unknown; acknowledged: number };
    if (sent.acknowledged >= durability.replicas) return sent.reply;
    // Applied on the primary, so in force: announced now, as a retry finds it done and announces nothing.
    if (sent.reply !== null && sent.reply !== undefined) announce?.();
    throw new SessionError('STORE_UNAVAILABLE', `Only ${sent.acknowledged} of ${durability.replicas} Redis replicas acknowledged the write within ${durability.timeout} ms: it might not survive a failover. Try again.`);
  };
  // Epochs and the deny-list (no TTL) evicted would let revoked sessions back in: no batch while Redis may evict them.
  // Asked of the node of the first batch, again after a refusal; one that hides INFO is taken at its word, and said so once.
  let evictionChecked: Promise<void> | undefined;
  let hidingReported = false;
  const hiding = (error: unknown): '' => {
    if (!hidingReported) callBack(onError, new SessionError('STORE_ERROR', `Redis hid INFO from the store (${(error as Error).message}): make sure maxmemory-policy is noeviction or volatile-*.`), () => undefined);
    return ((hidingReported = true), '');
  };
  const checkEviction = async (key: string): Promise<void> => {
    const info = await driver.send(key, ['INFO', 'memory']).catch((error: unknown) => (replyCode(error) === 'NOPERM' || /^ERR unknown (sub)?command/i.test((error as Error).message) ? hiding(error) : Promise.reject(error)));
    const policy = /maxmemory_policy:(\S+)/.exec(String(info))?.[1] ?? '';
    if (policy.startsWith('allkeys-')) throw new SessionError('STORE_ERROR', `Redis may evict any key (maxmemory-policy ${policy}), which would bring revoked sessions back: set maxmemory-policy to noeviction, or to a volatile-* policy.`);
  };
  const readHash = async (key: string): Promise<readonly unknown[]> => list(await run(scripts.readHashScript, [key], []), 'a hash');
  const tenantIdOf = (tenantHash: string): string => tenantHash.slice(tenantHash.indexOf('}:t:') + 4, -2);

  return {
    callTimeout: budget,
    shardsByUser: true,

    get: (sessionId) =>
      guard(async () => {
        // Cluster: the tenant's hash is on another slot; read beside the script once known.
        const known = clustered ? tenantOf.get(sessionId) : undefined;
        const apart = known === undefined ? undefined : readHash(known);
        apart?.catch(() => undefined); // the script's failure, if any, is the one reported
        const reply = await run(scripts.getScript, [layout.session(sessionId)], [clustered ? '0' : '1']);
        if (reply === null || reply === undefined) return null;
        const [row, user, tenant, tenantHash] = list(reply, 'get');
        const session = decodeSession(row);
        if (tenantHash === null || tenantHash === undefined || tenantHash === false) return { session, epochs: epochsOf(user) };
        const name = text(tenantHash, 'get');
        if (clustered && tenantOf.size >= TENANTS_KEPT) tenantOf.delete(tenantOf.keys().next().value!);
        if (clustered) tenantOf.set(session.id, name);
        const hashed = !clustered ? list(tenant, 'get') : known === name ? await apart! : await readHash(name);
        return { session, epochs: epochsOf(user), tenantEpochs: hashed.length === 0 ? undefined : epochsOf(hashed) };
      }),

    readUser: (userId, tenantId, sessionId) =>
      guard(async () => {
        const base = layout.user(userId);
        const extra = tenantId === undefined ? '' : `${layout.tenant(tenantId)}m`;
        // No row: a name no session key has (keys start with the prefix's tag).
        const one = sessionId === undefined ? '' : sessionId === null ? '-' : layout.session(sessionId);
        const [meta, rows, denied, devices, tenants] = list(await run(scripts.readUserScript, [`${base}m`], [base, clustered ? '0' : '1', extra, one]), 'readUser');
        const named = list(tenants, 'readUser');
        const tenantEpochs = Object.create(null) as Record<string, Epochs>;
        // Cluster: each tenant's hash by its own command, at once.
        const hashes = await Promise.all(named.flatMap((name, index) => (index % 2 === 1 ? [] : [clustered ? readHash(text(name, 'readUser')) : list(named[index + 1], 'readUser')])));
        hashes.forEach((hashed, index) => void (hashed.length > 0 && (tenantEpochs[tenantIdOf(text(named[index * 2], 'readUser'))] = epochsOf(hashed))));
        const sessions = list(rows, 'readUser').map(decodeSession);
        return { version: versionOf(meta), sessions, epochs: epochsOf(meta), highWater: fieldsOf(meta, 'h:'), tenantEpochs, denied: fieldsOf(denied, ''), devices: fieldsOf(devices, '') };
      }),

    readTenant: (tenantId) =>
      guard(async () => {
        const hashed = await readHash(`${layout.tenant(tenantId)}m`);
        return { version: versionOf(hashed), epochs: epochsOf(hashed), highWater: fieldsOf(hashed, 'h:') };
      }),

    readKey: (key) =>
      guard(async () => {
        const fields = pairs(await readHash(layout.key(key)));
        if (fields.size === 0) return { version: 0 };
        return { version: numeric(fields.get('v'), 'readKey'), value: text(fields.get('val'), 'readKey'), expiresAt: numeric(fields.get('e'), 'readKey') };
      }),

    apply: (batch) =>
      guard(async () => {
        const plan = planBatch(batch, layout, clustered);
        evictionChecked ??= checkEviction(plan.owner);
        await evictionChecked.catch((error: unknown) => ((evictionChecked = undefined), Promise.reject(error)));
        const durable = batch.durable === true || batch.writes.some((step) => step.type === 'revoke' || step.type === 'epochs');
        const message = batch.notify !== true || 'key' in batch.owner ? undefined : 'userId' in batch.owner ? batch.owner.userId : tenantMessage(batch.owner.tenantId);
        const announce = message === undefined ? undefined : () => void driver.send(layout.channel, ['PUBLISH', layout.channel, message]).catch(onError);
        // Cluster: a user's index of a key and a tenant's high-water mark go first (either without the batch is harmless).
        for (const { key, args } of plan.before.values()) await write(durable, key, '', false, args);
        const reply = await write(durable, plan.owner, batch.version === undefined ? '' : String(batch.version), plan.bump, plan.local, announce);
        if (reply === null || reply === undefined) return false;
        const [, marks, far] = list(reply, 'apply');
        // Cluster: what lives on other slots, once the owner's batch held; then the queues' directory.
        for (const { key, args } of plan.after.values()) await write(durable, key, '', false, args, announce);
        const userId = 'userId' in batch.owner ? batch.owner.userId : '';
        const farKeys = list(far, 'apply').map((key) => text(key, 'apply'));
        for (const key of farKeys) await write(durable, key, '', false, ['x', key, userId], announce);
        if (farKeys.length > 0) await driver.send(`${layout.user(userId)}K`, ['ZREM', `${layout.user(userId)}K`, ...farKeys]);
        const queued = list(marks, 'apply').map(String);
        if (queued.length > 0) await run(scripts.markScript, [layout.versions], queued).catch(onError);
        announce?.();
        return true;
      }),

    touch: (sessionId, times) =>
      guard(async () => numeric(await run(scripts.touchScript, [layout.session(sessionId)], [times.lastUsedAt ?? '', times.authenticatedAt ?? ''].map(String)), 'touch') === 1),

    prune: ({ now, limit: asked, activityBefore, devicesBefore, due: callerDue }) =>
      guard(async () => {
        const limit = Math.floor(asked);
        const end = halfwayTo(Math.min(performance.now() + budget, callerDue ?? Infinity));
        const token = randomUUID();
        if (numeric(await run(scripts.lockScript, [layout.lock], [token, String(pruneLockTtl)]), 'prune') === 0) return 0;
        let deleted = 0;
        try {
          const lanes = ([['x', now], ['y', activityBefore], ['w', devicesBefore]] as const).filter(([, by]) => by !== undefined);
          // Twice over the lanes: first each its share of the time left, so one lane's backlog never starves the next; then what time is left.
          for (const [index, [lane, by]] of [...lanes, ...lanes].entries()) {
            const keys = [layout.directory(lane), layout.versions];
            const full = (): boolean => lane === 'x' && deleted >= limit;
            const until = index >= lanes.length ? end : performance.now() + (end - performance.now()) / (lanes.length - index);
            for (let round = 0; round < ROUNDS && !full() && performance.now() < until; round++) {
              const due = list(await run(scripts.dueScript, keys, [String(by), String(PAGE), '0']), 'prune').map((item) => text(item, 'prune'));
              if (due.length === 0) break;
              // A page's queues a slice at a time, each with its share of the rows left, never past the limit (only the `now` lane needs shares).
              for (let start = 0; start < due.length / 2 && !full(); ) {
                const left = limit - deleted;
                const taken = lane === 'x' ? Math.min(due.length / 2 - start, left) : due.length / 2 - start;
                const share = lane === 'x' ? Math.floor(left / taken) : 0;
                const pruned = await Promise.allSettled(
                  Array.from({ length: taken }, async (_, offset) => {
                    const [queue, version] = [due[2 * (start + offset)]!, due[2 * (start + offset) + 1]!];
                    const [count, next] = list(await run(scripts.pruneScript, [queue], [String(by), String(share), String(CAP)]), 'prune');
                    await run(scripts.settleScript, keys, [queue, version, text(next, 'prune')]);
                    return numeric(count, 'prune');
                  }),
                );
                const failed = pruned.find((outcome) => outcome.status === 'rejected');
                if (failed !== undefined) throw failed.reason;
                deleted += pruned.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), 0);
                start += taken;
              }
            }
          }
        } finally {
          await run(scripts.lockScript, [layout.lock], [token, '']).catch(onError);
        }
        return deleted;
      }),

    listActivity: (userId, { tenantId, limit, before }) =>
      guard(async () => {
        const page = async (base: string): Promise<ActivityRecord[]> =>
          list(await run(scripts.listActivityScript, [`${base}a`], [before === undefined ? '+' : `(${before}`, String(limit)]), 'listActivity').map(decodeActivity);
        const pages = await Promise.all([page(layout.user(userId)), ...(tenantId === undefined ? [] : [page(layout.tenant(tenantId))])]);
        return pages.flat().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
      }),

    stats: (now) =>
      guard(async () => {
        const counts = Object.create(null) as Record<string, { live: number; revoked: number; expired: number }>;
        // Every session row is in its bucket's queue, and every queue with one in the directory.
        for (let offset = 0; offset < 100_000_000; offset += PAGE) {
          const due = list(await run(scripts.dueScript, [layout.directory('x'), layout.versions], ['+inf', String(PAGE), String(offset)]), 'stats');
          for (let index = 0; index < due.length; index += 2) {
            const rows = list(await run(scripts.statsScript, [text(due[index], 'stats')], []), 'stats');
            for (let row = 0; row + 2 < rows.length; row += 3) {
              const count = (counts[text(rows[row], 'stats')] ??= { live: 0, revoked: 0, expired: 0 });
              count[numeric(rows[row + 1], 'stats') <= now ? 'expired' : text(rows[row + 2], 'stats') === '1' ? 'revoked' : 'live']++;
            }
          }
          if (due.length < PAGE * 2) break;
        }
        return counts as Record<string, KindStats>;
      }),

    subscribe(listener, onResync) {
      if (closed) throw new SessionError('CLOSED', 'The Redis session store was closed.');
      return notices.add(listener, onResync);
    },

    async close() {
      if (closed) return;
      closed = true;
      stopWatchingClient();
      closeWriter();
      notices.close();
    },
  };
}
