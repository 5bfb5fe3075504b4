import { callable, duration, integer, optionsObject } from '../../src/option-checks.js';
import { SessionError } from '../../src/errors.js';
import type { RedisClientLike } from './client.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis 5 client (`createClient()` or `createCluster()` from `redis`; the
   * recommended one) or an ioredis 5 client (`new Redis()` or `new Cluster()`). The app owns
   * it: the store never connects or closes it. Recommended settings, so an outage fails
   * requests fast with 503 and heals by itself:
   * - node-redis: `disableOfflineQueue: true` (commands fail at once while disconnected instead
   *   of waiting in a queue); keep the default `reconnectStrategy`; add an `'error'` listener.
   * - ioredis: `enableOfflineQueue: false` once connected, or `maxRetriesPerRequest: 1`.
   *
   * What the store sends on this client is self-contained: Lua scripts (`EVALSHA`, `EVAL` once
   * per script a server has not cached) and a few plain commands (`HGETALL`, `ZRANGE`, `DEL`,
   * `ZREM`, `PUBLISH`). Never `MULTI`/`EXEC`, `WATCH`, `SELECT` or `CLIENT`, and it
   * never holds back the socket's writes: the app's own commands on the same client, a
   * `WATCH` and its transaction included, see the connection as they left it. The store's
   * own connections are duplicates of this client (see {@link redisStore}).
   */
  readonly client: RedisClientLike;
  /**
   * Prefix of every key and of the pub/sub channel, so the store can share a Redis with other
   * data. Instances that share sessions must use the same prefix. No `{` or `}`: the store
   * puts its own hash tags right after it.
   * @default "sr:"
   */
  readonly prefix?: string;
  /**
   * Longest wait (ms) for one store operation before it fails with `STORE_UNAVAILABLE`.
   * @default 2000
   */
  readonly commandTimeout?: number;
  /**
   * How long (ms) the prune lock lives if its holder dies mid-prune. One `prune()` call renews
   * it between pages, so it only needs to outlast one page of work.
   * @default 30000
   */
  readonly pruneLockTtl?: number;
  /**
   * Receives errors of the store's background work, which never fail a request: the pub/sub
   * connection it opens for `subscribe()` (a lost connection, a failed reconnect; notices
   * published while it is down are lost, and the manager's `epochCacheTtl` bounds how stale a
   * cache gets meanwhile), and the prune bookkeeping sent after sign-ins and revocations.
   * @default a process warning, at most one a minute
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Makes every revocation survive a failover, or fail. Redis replicates asynchronously: a
   * primary acknowledges a write before any replica has it, so if it dies and a replica is
   * promoted (by Sentinel, by Redis Cluster, by an operator), a revocation the app was told
   * succeeded can be gone and the stolen sessions valid again. With `durability`, each
   * revocation write (`revoke`, `revokeAll`, `revokeOthers`, and a sign-in that replaced a
   * session) goes through a connection the store opens for them (a duplicate of `client`,
   * opened on the first one; a node-redis Sentinel client's leased master connection) and is
   * followed on it by `WAIT replicas timeout`; fewer
   * acknowledgements reject with `STORE_UNAVAILABLE` (503, "try again"), never a silent
   * success. See {@link RedisDurability}.
   * @default undefined: revocations return once the primary has them
   */
  readonly durability?: RedisDurability;
}

/**
 * How many replicas must hold a revocation before it is reported as done. What it costs: a
 * revocation's reply waits for the replicas' acknowledgement (about one more round trip to
 * them; `WAIT` is pipelined behind the script, so no extra round trip from the app). A
 * sign-in that replaced a session sends one more small round trip; other sign-ins, touches
 * and validations never wait. What it does not promise: a replica that acknowledged and then
 * also died before the failover takes the revocation with it; and with Redis Sentinel or
 * Cluster, only a replica that acknowledged is safe to promote (Redis picks the most
 * up-to-date one, which is).
 */
export interface RedisDurability {
  /** Replicas that must acknowledge each revocation (1 or more; at most the number you run). */
  readonly replicas: number;
  /** Longest wait (ms) for them; fewer acknowledgements by then reject with `STORE_UNAVAILABLE`. */
  readonly timeout: number;
}

/** Options after defaults and checks. */
export interface ResolvedRedisOptions {
  readonly client: RedisClientLike;
  readonly prefix: string;
  readonly commandTimeout: number;
  readonly pruneLockTtl: number;
  readonly onError: (error: unknown) => void;
  readonly durability: RedisDurability | undefined;
}

export const DEFAULT_PREFIX = 'sr:';
export const DEFAULT_COMMAND_TIMEOUT = 2_000;
const DEFAULT_PRUNE_LOCK_TTL = 30_000;
const PREFIX_SHAPE = /^[^{}\s]{0,64}$/;
const KNOWN_OPTIONS = ['client', 'prefix', 'commandTimeout', 'pruneLockTtl', 'onError', 'durability'];
const KNOWN_DURABILITY = ['replicas', 'timeout'];
/** The longest timeout Node's timers take. */
const MAX_MS = 2 ** 31 - 1;

/** Fills defaults and refuses what cannot work, before any command is sent. */
export function resolveOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null || typeof options.client !== 'object' || options.client === null) {
    throw new SessionError('INVALID_CONFIGURATION', 'redisStore() needs { client }: a node-redis 5 or ioredis 5 client.');
  }
  // A mistyped security option (`durabilty`) silently ignored would leave revocations unsafe.
  optionsObject('redisStore() options', options, KNOWN_OPTIONS);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !PREFIX_SHAPE.test(prefix)) {
    throw new SessionError('INVALID_CONFIGURATION', 'redisStore(): prefix must be at most 64 characters, without "{", "}" or spaces.');
  }
  return {
    client: options.client,
    prefix,
    commandTimeout: duration('redisStore(): commandTimeout', options.commandTimeout, DEFAULT_COMMAND_TIMEOUT, { min: 1, max: MAX_MS }),
    pruneLockTtl: duration('redisStore(): pruneLockTtl', options.pruneLockTtl, DEFAULT_PRUNE_LOCK_TTL, { min: 1, max: MAX_MS }),
    onError: callable('redisStore(): onError', options.onError, undefined) ?? warnAtMostOnceAMinute(),
    durability: resolveDurability(options.durability),
  };
}

function resolveDurability(value: RedisDurability | undefined): RedisDurability | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new SessionError('INVALID_CONFIGURATION', 'redisStore(): durability must be { replicas, timeout }.');
  }
  optionsObject('redisStore() durability', value, KNOWN_DURABILITY);
  if (value.replicas === undefined || value.timeout === undefined) {
    throw new SessionError('INVALID_CONFIGURATION', 'redisStore(): durability needs both replicas and timeout (ms).');
  }
  const replicas = integer('redisStore(): durability.replicas', value.replicas, 0, { min: 1, max: 1_000 });
  return { replicas, timeout: duration('redisStore(): durability.timeout', value.timeout, 0, { min: 1, max: MAX_MS }) };
}

// A client reports every failed reconnect attempt; one warning a minute says enough.
function warnAtMostOnceAMinute(): (error: unknown) => void {
  let last = -Infinity;
  return (error) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    process.emitWarning(`session-revocation: background work of the Redis store failed: ${error instanceof Error ? error.message : String(error)}`, {
      code: 'SESSION_REVOCATION_REDIS',
    });
  };
}
