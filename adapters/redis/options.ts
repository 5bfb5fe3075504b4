import { callable, duration, integer, invalidConfiguration as invalid, MAX_TIMER_DELAY, optionsObject } from '../../src/option-checks.js';
import type { RedisClientLike } from './client.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis 5 or ioredis 5 client, owned by the app: the store never connects or closes
   * it. So an outage fails fast: node-redis `disableOfflineQueue: true`; ioredis `enableOfflineQueue: false`
   * (queued offline, a write may still run after the store answered it as an outage) and
   * `autoResendUnfulfilledCommands: false` (sent again after a reconnect, the same), both refused otherwise (the second in
   * `redisOptions` for a Cluster); no `keyPrefix`.
   */
  readonly client: RedisClientLike;
  /** Prefix of every key and of the channel; no `{`, `}` or spaces. @default "sr:" */
  readonly prefix?: string;
  /** Longest wait (ms) for one store call before it fails with `STORE_UNAVAILABLE`. @default 2000 */
  readonly commandTimeout?: number;
  /** How long (ms) the prune lock lives if its holder dies mid-prune. @default 30000 */
  readonly pruneLockTtl?: number;
  /** Errors of background work (pub/sub, a notice's `PUBLISH`). @default a process warning, at most one a minute */
  readonly onError?: (error: unknown) => void;
  /**
   * Makes every batch that revokes survive a failover, or fail: it is followed by `WAIT replicas timeout`
   * on a connection the store opens, and fewer acknowledgements reject with `STORE_UNAVAILABLE`.
   * @default undefined: a batch returns once the primary has it
   */
  readonly durability?: RedisDurability;
}

/** How many replicas must hold a revoking batch before it is reported as applied (`WAIT`, pipelined behind the script). */
export interface RedisDurability {
  /** Replicas that must acknowledge each batch (1 or more; at most the number you run). */
  readonly replicas: number;
  /** Longest wait (ms) for them; fewer acknowledgements by then reject with `STORE_UNAVAILABLE`. */
  readonly timeout: number;
}

/** The key prefix when none is given. */
export const DEFAULT_PREFIX = 'sr:';
const PREFIX_SHAPE = /^[^{}\s]{0,64}$/;

type IoredisOptions = { keyPrefix?: unknown; enableOfflineQueue?: unknown; autoResendUnfulfilledCommands?: unknown; redisOptions?: { autoResendUnfulfilledCommands?: unknown } };

/** Fills defaults and refuses what cannot work, before any command is sent. */
export function resolveOptions(options: RedisStoreOptions) {
  if (typeof options !== 'object' || options === null || typeof options.client !== 'object' || options.client === null) {
    throw invalid('redisStore() needs { client }: a node-redis 5 or ioredis 5 client.');
  }
  optionsObject('redisStore() options', options, ['client', 'prefix', 'commandTimeout', 'pruneLockTtl', 'onError', 'durability']);
  const ioredis = (options.client as { options?: IoredisOptions }).options;
  // ioredis prefixes a script's KEYS but not the key names in its ARGV: rows would be written where no read looks.
  if (ioredis?.keyPrefix) throw invalid('redisStore(): an ioredis client with keyPrefix is not supported; pass prefix to redisStore() instead.');
  // Queued offline or sent again after a reconnect, a sign-in answered 503 could land later and end its device's session.
  if ('isCluster' in options.client && (ioredis?.enableOfflineQueue !== false || (options.client.isCluster ? ioredis.redisOptions : ioredis)?.autoResendUnfulfilledCommands !== false)) {
    throw invalid(`redisStore(): an ioredis client must be made with enableOfflineQueue: false and autoResendUnfulfilledCommands: false${options.client.isCluster ? ' (the second in redisOptions, for a Cluster)' : ''}.`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !PREFIX_SHAPE.test(prefix)) throw invalid('redisStore(): prefix must be at most 64 characters, without "{", "}" or spaces.');
  return {
    client: options.client,
    prefix,
    commandTimeout: duration('redisStore(): commandTimeout', options.commandTimeout, 2_000, { min: 1, max: MAX_TIMER_DELAY }),
    pruneLockTtl: duration('redisStore(): pruneLockTtl', options.pruneLockTtl, 30_000, { min: 1, max: MAX_TIMER_DELAY }),
    onError: (callable('redisStore(): onError', options.onError, undefined) ?? warnAtMostOnceAMinute()) as (error: unknown) => void,
    durability: resolveDurability(options.durability),
  };
}

function resolveDurability(value: RedisDurability | undefined): RedisDurability | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalid('redisStore(): durability must be { replicas, timeout }.');
  optionsObject('redisStore() durability', value, ['replicas', 'timeout']);
  if (value.replicas === undefined || value.timeout === undefined) throw invalid('redisStore(): durability needs both replicas and timeout (ms).');
  const replicas = integer('redisStore(): durability.replicas', value.replicas, 0, { min: 1, max: 1_000 });
  return { replicas, timeout: duration('redisStore(): durability.timeout', value.timeout, 0, { min: 1, max: MAX_TIMER_DELAY }) };
}

// A client reports every failed reconnect attempt; one warning a minute says enough.
function warnAtMostOnceAMinute(): (error: unknown) => void {
  let last = -Infinity;
  return (error) => {
    if (Date.now() - last < 60_000) return;
    last = Date.now();
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(`session-revocation: background work of the Redis store failed: ${message}`, { code: 'SESSION_REVOCATION_REDIS' });
  };
}
