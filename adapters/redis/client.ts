import { SessionError } from '../../src/errors.js';

// The client libraries by shape: the store never imports them, and the app's client type fits.

/** The part of a node-redis 5 client (`createClient()`, connected) the store uses. */
export interface NodeRedisClientLike {
  /** The driver's own `sendCommand` method. */ sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** The driver's own `isReady` property. */ readonly isReady: boolean;
  /** A connection with the same options, for the store's own pub/sub and durable writes. */ duplicate(): NodeRedisSubscriberLike;
}

/** The part of a node-redis 5 cluster client (`createCluster()`, connected) the store uses. */
export interface NodeRedisClusterLike {
  /** The driver's own `sendCommand` method. */ sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** The driver's own `masters` property. */ readonly masters: readonly unknown[];
  /** The driver's own `duplicate` method. */ duplicate(): NodeRedisSubscriberLike;
  /** A batch to `routing`'s master, sent by `execAsPipeline()` (never MULTI), so a write and its `WAIT` share a connection. */ multi(routing: string): NodeRedisPipelineLike;
}

/** A node-redis batch, sent as a plain pipeline (no MULTI/EXEC). */
export interface NodeRedisPipelineLike {
  /** The driver's own `addCommand` method. */ addCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): NodeRedisPipelineLike;
  /** The driver's own `execAsPipeline` method. */ execAsPipeline(): Promise<unknown[]>;
}

/** The part of a node-redis 5 Sentinel client (`createSentinel()`, connected) the store uses. */
export interface NodeRedisSentinelLike {
  /** The driver's own `sendCommand` method. */ sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** Runs `fn` on one leased master connection: a write and its `WAIT` share it. */
  use<T>(fn: (client: { sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown> }) => Promise<T>): Promise<T>;
  /** The driver's own `getMasterNode` method. */ getMasterNode(): unknown;
  /** The driver's own `subscribe` method. */ subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** The driver's own `unsubscribe` method (its listener type admits buffers). */ unsubscribe(channel: string, listener: (message: string | Uint8Array) => void): Promise<unknown>;
  /** `topology-change` (a failover), `error`. */ on(event: string, listener: () => void): unknown;
  /** The driver's own `off` method. */ off(event: string, listener: () => void): unknown;
}

/** What the store does with a node-redis connection it opened (`duplicate()`). */
export interface NodeRedisSubscriberLike {
  /** The driver's own `isOpen` property: connected, or connecting again by itself. */ readonly isOpen: boolean;
  /** The driver's own `connect` method. */ connect(): Promise<unknown>;
  /** The driver's own `subscribe` method. */ subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** The driver's own `destroy` method. */ destroy(): void;
  /** The driver's own `on` method. */ on(event: 'error', listener: (error: Error) => void): unknown;
  /** The driver's own `on` method. */ on(event: string, listener: () => void): unknown;
}

/** The part of an ioredis 5 client (`new Redis()` or `new Cluster()`) the store uses. */
export interface IoRedisLike {
  /** The driver's own `call` method. */ call(command: string, args: string[]): Promise<unknown>;
  /** The driver's own `isCluster` property. */ readonly isCluster: boolean;
  /** The driver's own `duplicate` method: a `Redis` takes options to override, a `Cluster` startup nodes. */ duplicate(override?: object): IoRedisSubscriberLike;
  /** A plain pipeline (not `multi()`): on a Cluster it goes to its keys' master, `WAIT` included. */ pipeline(): IoRedisPipelineLike;
}

/** An ioredis pipeline. */
export interface IoRedisPipelineLike {
  /** The driver's own `call` method. */ call(command: string, ...args: string[]): IoRedisPipelineLike;
  /** The driver's own `exec` method. */ exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** What the store does with an ioredis connection it opened (`duplicate()`). */
export interface IoRedisSubscriberLike {
  /** The driver's own `status` property. */ readonly status: string;
  /** The driver's own `connect` method. */ connect(): Promise<unknown>;
  /** The driver's own `subscribe` method. */ subscribe(channel: string): Promise<unknown>;
  /** The driver's own `on` method. */ on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  /** The driver's own `on` method. */ on(event: 'error', listener: (error: Error) => void): unknown;
  /** The driver's own `on` method. */ on(event: string, listener: () => void): unknown;
  /** The driver's own `once` method. */ once(event: 'ready', listener: () => void): unknown;
  /** The driver's own `disconnect` method. */ disconnect(): void;
}

/** A client the store accepts, made, connected and closed by the app: node-redis 5 (`createClient`, `createCluster`, `createSentinel`) or ioredis 5 (`Redis`, `Cluster`, Sentinel). */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | NodeRedisSentinelLike | IoRedisLike;

/** Which library a client comes from. */
export type RedisClientKind = 'node-redis' | 'node-redis-cluster' | 'node-redis-sentinel' | 'ioredis' | 'ioredis-cluster';

/** Tells the client libraries apart by the members each one is known to have. */
export function detectClient(client: unknown): RedisClientKind {
  const found = (typeof client === 'object' && client !== null ? client : {}) as Record<string, unknown>;
  if (typeof found['call'] === 'function' && typeof found['isCluster'] === 'boolean') return found['isCluster'] ? 'ioredis-cluster' : 'ioredis';
  if (typeof found['sendCommand'] === 'function') {
    if (typeof found['getMasterNode'] === 'function' && typeof found['use'] === 'function') return 'node-redis-sentinel';
    return 'masters' in found ? 'node-redis-cluster' : 'node-redis';
  }
  const message = 'redisStore(): client must be a node-redis 5 client (createClient / createCluster / createSentinel from "redis") or an ioredis 5 client (Redis / Cluster from "ioredis").';
  throw new SessionError('INVALID_CONFIGURATION', message);
}
