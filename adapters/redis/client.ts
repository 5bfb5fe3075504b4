import { SessionError } from '../../src/errors.js';

/**
 * The part of a node-redis 5 client (`createClient()`, connected) the store uses. Typed by
 * shape, so the store never imports `redis` and the app's own client type fits as it is.
 */
export interface NodeRedisClientLike {
  /** Sends one raw command (`['EVALSHA', sha, ...]`). */
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** node-redis' own flag: connected and ready for commands. */
  readonly isReady: boolean;
  /** Opens a connection with the same options, for the store's own use: pub/sub, durable writes. */
  duplicate(): NodeRedisSubscriberLike;
}

/** The part of a node-redis 5 cluster client (`createCluster()`, connected) the store uses. */
export interface NodeRedisClusterLike {
  /** Sends one raw command to the master of `firstKey`'s slot. */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** Present on cluster clients only; how the store tells them from single-node clients. */
  readonly masters: readonly unknown[];
  /** Opens a cluster client with the same options, for the store's own use: pub/sub, durable writes. */
  duplicate(): NodeRedisSubscriberLike;
  /**
   * A batch routed to the master of `routing`'s slot; sent with `execAsPipeline()` (never as
   * MULTI ... EXEC), so a revocation and its `WAIT` go down the same connection to the same
   * node. Only used on the cluster client the store opened for durable writes.
   */
  multi(routing: string): NodeRedisPipelineLike;
}

/** A node-redis batch, sent as a plain pipeline (no MULTI/EXEC). */
export interface NodeRedisPipelineLike {
  /** Queues one raw command (`firstKey` and `isReadonly` only matter when no routing was given). */
  addCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): NodeRedisPipelineLike;
  /** Sends the queued commands in one write and resolves with their replies. */
  execAsPipeline(): Promise<unknown[]>;
}

/**
 * The part of a node-redis 5 Sentinel client (`createSentinel()` from `redis`, connected) the
 * store uses. It follows failovers by itself; the store subscribes through its own pub/sub
 * connection instead of duplicating it.
 */
export interface NodeRedisSentinelLike {
  /** Sends one raw command to the current master (`isReadonly` false). */
  sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** Runs `fn` on one leased master connection: a revocation and its `WAIT` must share it. */
  use<T>(fn: (client: { sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown> }) => Promise<T>): Promise<T>;
  /** Present on Sentinel clients only; how the store tells them apart. */
  getMasterNode(): unknown;
  /** Subscribes through the Sentinel client's pub/sub connection. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Removes the store's listener. */
  unsubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** `topology-change` (a failover), `error`. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** What the store does with the node-redis connection it opens for pub/sub (`duplicate()`). */
export interface NodeRedisSubscriberLike {
  /** Connects the duplicate. */
  connect(): Promise<unknown>;
  /** Subscribes to the revocation channel. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Closes the connection at once. */
  destroy(): void;
  /** Connection errors, reported to the store's `onError`. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Connection events (`reconnecting`, `end`, a cluster's `node-error`...). */
  on(event: string, listener: () => void): unknown;
}

/** The part of an ioredis 5 client (`new Redis()` or `new Cluster()`) the store uses. */
export interface IoRedisLike {
  /** Sends one raw command. */
  call(command: string, args: string[]): Promise<unknown>;
  /** ioredis' own flag; its presence is how the store tells ioredis from node-redis. */
  readonly isCluster: boolean;
  /** Opens a connection with the same options, for the store's own use: pub/sub, durable writes. */
  duplicate(): IoRedisSubscriberLike;
  /**
   * A batch sent in one write (a plain pipeline, not `multi()`); on a Cluster it goes to the
   * master of its keys' slot, keyless commands (`WAIT`) included, so a revocation and its
   * `WAIT` reach the same node. Only used on the connection the store opened for durable writes.
   */
  pipeline(): IoRedisPipelineLike;
}

/** An ioredis pipeline. */
export interface IoRedisPipelineLike {
  /** Queues one raw command. */
  call(command: string, ...args: string[]): IoRedisPipelineLike;
  /** Sends the batch; each reply comes as `[error, result]`. */
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** What the store does with the ioredis connection it opens for pub/sub (`duplicate()`). */
export interface IoRedisSubscriberLike {
  /** ioredis' connection status (`wait`, `ready`, `end`...). */
  readonly status: string;
  /** Connects the duplicate. */
  connect(): Promise<unknown>;
  /** Subscribes to the revocation channel. */
  subscribe(channel: string): Promise<unknown>;
  /** Messages on subscribed channels. */
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  /** Connection errors, reported to the store's `onError`. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Connection events (`close`, `reconnecting`...). */
  on(event: string, listener: () => void): unknown;
  /** The connection became ready. */
  once(event: 'ready', listener: () => void): unknown;
  /** Closes the connection at once. */
  disconnect(): void;
}

/**
 * A Redis client the store accepts: node-redis 5 (`createClient`, `createCluster`,
 * `createSentinel`; the first-class choice) or ioredis 5 (`Redis`, `Cluster`, Sentinel). The
 * app creates, connects and closes it. On it the store only sends self-contained commands
 * (Lua scripts by `EVALSHA`, a few plain reads, deletes and `PUBLISH`), never one that changes
 * the connection's state (`MULTI`/`EXEC`, `WATCH`, `SELECT`, `CLIENT`, a corked socket), so
 * the app's own commands on it, a `WATCH` included, are undisturbed. The store's own
 * connections are duplicates of it (one for pub/sub, one for `durability`'s writes), except
 * with a node-redis Sentinel client, whose pub/sub connection and leased master connections
 * the store uses instead.
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | NodeRedisSentinelLike | IoRedisLike;

/** Which library a client comes from, as the store detected it. */
export type RedisClientKind = 'node-redis' | 'node-redis-cluster' | 'node-redis-sentinel' | 'ioredis' | 'ioredis-cluster';

/** What a subscriber connection reports to the store. */
export interface SubscriberEvents {
  /** A message on the channel. */
  readonly message: (message: string) => void;
  /** A connection or subscription error (reported to the app, never thrown). */
  readonly error: (error: unknown) => void;
  /** The connection may have dropped: notices may be lost until it is back. */
  readonly interrupted: () => void;
  /** The first SUBSCRIBE was acknowledged. */
  readonly subscribed: () => void;
}

/** A subscriber connection the store opened and therefore closes. */
export interface OwnedSubscriber {
  /** Drops the connection at once: it holds nothing worth a graceful QUIT, and must never hang. */
  close(): void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Tells the client libraries apart by the members each one is known to have. */
export function detectClient(client: unknown): RedisClientKind {
  if (isObject(client) && typeof client['call'] === 'function' && typeof client['isCluster'] === 'boolean') {
    return client['isCluster'] ? 'ioredis-cluster' : 'ioredis';
  }
  if (isObject(client) && typeof client['sendCommand'] === 'function') {
    if (typeof client['getMasterNode'] === 'function' && typeof client['use'] === 'function') return 'node-redis-sentinel';
    return 'masters' in client ? 'node-redis-cluster' : 'node-redis';
  }
  throw new SessionError(
    'INVALID_CONFIGURATION',
    'redisStore(): client must be a node-redis 5 client (createClient / createCluster / createSentinel from "redis") or an ioredis 5 client (Redis / Cluster from "ioredis").',
  );
}
