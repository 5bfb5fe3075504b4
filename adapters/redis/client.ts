import { SessionError } from '../../src/errors.js';
import { ioredisSubscriber, nodeRedisSubscriber } from './subscribers.js';

/**
 * The part of a node-redis 5 client (`createClient()`, connected) the store uses. Typed by
 * shape, so the store never imports `redis` and the app's own client type fits as it is.
 */
export interface NodeRedisClientLike {
  /** Sends one raw command (`['EVALSHA', sha, ...]`). */
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** node-redis' own flag: connected and ready for commands. */
  readonly isReady: boolean;
  /** Opens a second connection with the same options, used for pub/sub. */
  duplicate(): NodeRedisSubscriberLike;
}

/** The part of a node-redis 5 cluster client (`createCluster()`, connected) the store uses. */
export interface NodeRedisClusterLike {
  /** Sends one raw command to the master of `firstKey`'s slot. */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[], options?: { timeout?: number }): Promise<unknown>;
  /** Present on cluster clients only; how the store tells them from single-node clients. */
  readonly masters: readonly unknown[];
  /** Opens a second cluster connection with the same options, used for pub/sub. */
  duplicate(): NodeRedisSubscriberLike;
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
  /** Opens a second connection with the same options, used for pub/sub. */
  duplicate(): IoRedisSubscriberLike;
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
 * A Redis client the store accepts: node-redis 5 (`createClient`, `createCluster`; the
 * first-class choice) or ioredis 5 (`Redis`, `Cluster`). The app creates, connects and closes
 * it; the store only sends commands through it and duplicates it once for pub/sub.
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisLike;

/** Which library a client comes from, as the store detected it. */
export type RedisClientKind = 'node-redis' | 'node-redis-cluster' | 'ioredis' | 'ioredis-cluster';

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

/** One client library's way of sending commands and opening a subscriber, behind one shape. */
export interface Driver {
  readonly kind: RedisClientKind;
  /** Sends one command; `key` routes it to its slot's master on a cluster. */
  send(key: string, args: string[]): Promise<unknown>;
  /** Opens a duplicate connection subscribed to `channel`. */
  subscribe(channel: string, events: SubscriberEvents): OwnedSubscriber;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Tells the client libraries apart by the members each one is known to have. */
export function detectClient(client: unknown): RedisClientKind {
  if (isObject(client) && typeof client['call'] === 'function' && typeof client['isCluster'] === 'boolean') {
    return client['isCluster'] ? 'ioredis-cluster' : 'ioredis';
  }
  if (isObject(client) && typeof client['sendCommand'] === 'function') {
    return 'masters' in client ? 'node-redis-cluster' : 'node-redis';
  }
  throw new SessionError(
    'INVALID_CONFIGURATION',
    'redisStore(): client must be a node-redis 5 client (createClient / createCluster from "redis") or an ioredis 5 client (Redis / Cluster from "ioredis").',
  );
}

/**
 * Wraps the app's client. `offlineTimeout` is handed to node-redis for commands sent while it
 * is not ready, so a command the store gave up on is dropped from the offline queue instead of
 * running late (node-redis' per-command timer costs too much to arm on every command).
 */
export function createDriver(client: RedisClientLike, offlineTimeout: number): Driver {
  const kind = detectClient(client);
  switch (kind) {
    case 'ioredis':
    case 'ioredis-cluster': {
      const io = client as IoRedisLike;
      return {
        kind,
        send: (_key, args) => io.call(args[0]!, args.slice(1)),
        subscribe: (channel, events) => ioredisSubscriber(io.duplicate(), channel, events),
      };
    }
    case 'node-redis-cluster': {
      const cluster = client as NodeRedisClusterLike;
      return {
        kind,
        // Never a replica (isReadonly false): a replica may not have a revocation yet.
        send: (key, args) => cluster.sendCommand(key, false, args),
        subscribe: (channel, events) => nodeRedisSubscriber(cluster.duplicate(), channel, events),
      };
    }
    case 'node-redis': {
      const single = client as NodeRedisClientLike;
      const offline = { timeout: offlineTimeout };
      return {
        kind,
        send: (_key, args) => single.sendCommand(args, single.isReady ? undefined : offline),
        subscribe: (channel, events) => nodeRedisSubscriber(single.duplicate(), channel, events),
      };
    }
  }
}
