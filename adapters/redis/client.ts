import { SessionError } from '../../src/errors.js';
import { malformedReply, replyCode } from './errors.js';
import { ioredisSubscriber, nodeRedisSentinelSubscriber, nodeRedisSubscriber } from './subscribers.js';

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
  /**
   * A batch routed to the master of `routing`'s slot; sent with `execAsPipeline()`, so a
   * revocation and its `WAIT` go down the same connection to the same node.
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
  /** Opens a second connection with the same options, used for pub/sub. */
  duplicate(): IoRedisSubscriberLike;
  /**
   * A batch sent in one write; on a Cluster it goes to the master of its keys' slot, keyless
   * commands (`WAIT`) included, so a revocation and its `WAIT` reach the same node.
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
 * A Redis client the store accepts: node-redis 5 (`createClient`, `createCluster`; the
 * first-class choice) or ioredis 5 (`Redis`, `Cluster`). The app creates, connects and closes
 * it; the store only sends commands through it and duplicates it once for pub/sub.
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

/** A reply and how many replicas acknowledged the connection's writes (`WAIT`). */
export interface Acknowledged {
  readonly reply: unknown;
  readonly acknowledged: number;
}

/** Sending on one connection (or one node's connection, on a cluster). */
export interface Connection {
  /** Sends one command; `key` routes it to its slot's master on a cluster. */
  send(key: string, args: string[]): Promise<unknown>;
  /**
   * Sends `args` and, pipelined behind it on the same connection to the same node,
   * `WAIT replicas timeout`: one round trip. `acknowledged` counts the replicas that hold
   * every write this connection sent so far.
   */
  sendAndWait(key: string, args: string[], replicas: number, timeout: number): Promise<Acknowledged>;
}

/**
 * The connection revocations go through when `durability` is on. `WAIT` blocks the connection
 * it is sent on until the replicas answer, so it is never the app's: a lagging replica must
 * not hold up validations. And WAIT only counts its own connection's writes, so each write
 * and its WAIT share one.
 */
export interface DurableWriter {
  /** Sends a revocation with WAIT pipelined behind it. */
  sendAndWait(key: string, args: string[], replicas: number, timeout: number): Promise<Acknowledged>;
  /**
   * Sends `args`; if `needsWait(reply)`, then waits for the replicas on the same connection
   * (for a sign-in, which only needs to wait when it replaced a session).
   */
  sendThenWaitIf(
    key: string,
    args: string[],
    needsWait: (reply: unknown) => boolean,
    replicas: number,
    timeout: number,
  ): Promise<{ reply: unknown; acknowledged: number | undefined }>;
  /** Closes the connection the store opened (at once: nothing in it is worth a QUIT). */
  close(): void;
}

/** One client library's way of sending commands and opening a subscriber, behind one shape. */
export interface Driver extends Connection {
  readonly kind: RedisClientKind;
  /** Opens a duplicate connection subscribed to `channel`. */
  subscribe(channel: string, events: SubscriberEvents): OwnedSubscriber;
  /** The store's own connection for durable revocations (see {@link DurableWriter}), opened on first use. */
  openWriter(onError: (error: unknown) => void): DurableWriter;
  /**
   * Calls `listener` once the app closes its client, so the connections the store opened end
   * with it and never keep the process alive alone. Returns the unsubscribe function.
   */
  onClientEnd(listener: () => void): () => void;
}

/** The events a client emits when the app closed it (not on a reconnect). */
interface Closable {
  on(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
  removeListener?(event: string, listener: () => void): unknown;
}

function onceClosed(client: unknown, event: string, listener: () => void): () => void {
  const emitter = client as Closable;
  if (typeof emitter.on !== 'function') return () => undefined;
  emitter.on(event, listener);
  return () => {
    if (typeof emitter.off === 'function') emitter.off(event, listener);
    else emitter.removeListener?.(event, listener);
  };
}

function waitArgs(replicas: number, timeout: number): string[] {
  return ['WAIT', String(replicas), String(timeout)];
}

function acknowledgedCount(reply: unknown): number {
  const count = Number(reply);
  if (!Number.isInteger(count) || count < 0) throw malformedReply('WAIT');
  return count;
}

// A pipeline's replies: the first failure is the one that matters (a WAIT after a failed
// write proves nothing).
function ioredisReplies(replies: Array<[Error | null, unknown]> | null): { reply: unknown; acknowledged: number } {
  if (replies === null || replies.length !== 2) throw malformedReply('WAIT');
  for (const [error] of replies) if (error) throw error;
  return { reply: replies[0]![1], acknowledged: acknowledgedCount(replies[1]![1]) };
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

// A sign-in's WAIT needs a command with the key only to reach the key's node.
const routeTo = (key: string): string[] => ['PEXPIRETIME', key];

/** Wraps a connection the store opened: sends wait for it to connect, first use connects it. */
function writerOver(connection: Connection, ready: () => Promise<unknown>, close: () => void): DurableWriter {
  return {
    sendAndWait: async (key, args, replicas, timeout) => {
      await ready();
      return connection.sendAndWait(key, args, replicas, timeout);
    },
    sendThenWaitIf: async (key, args, needsWait, replicas, timeout) => {
      await ready();
      const reply = await connection.send(key, args);
      if (!needsWait(reply)) return { reply, acknowledged: undefined };
      return { reply, acknowledged: (await connection.sendAndWait(key, routeTo(key), replicas, timeout)).acknowledged };
    },
    close,
  };
}

function ioredisConnection(io: IoRedisLike): Connection {
  return {
    send: (_key, args) => io.call(args[0]!, args.slice(1)),
    sendAndWait: async (_key, args, replicas, timeout) =>
      ioredisReplies(
        await io
          .pipeline()
          .call(args[0]!, ...args.slice(1))
          .call(...(waitArgs(replicas, timeout) as [string, ...string[]]))
          .exec(),
      ),
  };
}

function nodeRedisClusterConnection(cluster: NodeRedisClusterLike): Connection {
  return {
    // Never a replica (isReadonly false): a replica may not have a revocation yet.
    send: (key, args) => cluster.sendCommand(key, false, args),
    // Not two sendCommand calls: a MOVED would redirect the write but not its WAIT. A
    // pipeline does not follow MOVED itself: after a failover the key is read once through
    // sendCommand, which does and refreshes the slot map, and the pipeline is sent again (the
    // node that answered MOVED ran nothing).
    sendAndWait: async (key, args, replicas, timeout) => {
      const pipeline = (): Promise<unknown[]> =>
        cluster.multi(key).addCommand(key, false, args).addCommand(undefined, false, waitArgs(replicas, timeout)).execAsPipeline();
      let replies: unknown[];
      try {
        replies = await pipeline();
      } catch (error) {
        const code = replyCode(error);
        if (code !== 'MOVED' && code !== 'ASK') throw error;
        await cluster.sendCommand(key, false, ['PEXPIRETIME', key]);
        replies = await pipeline();
      }
      return { reply: replies[0], acknowledged: acknowledgedCount(replies[1]) };
    },
  };
}

function nodeRedisConnection(single: { sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown> }, options: () => { timeout?: number } | undefined): Connection {
  return {
    send: (_key, args) => single.sendCommand(args, options()),
    // Both written in the same tick, so node-redis sends them in one write, in order.
    // Settled together: a leased Sentinel connection must not go back to its pool with the
    // WAIT still pending after the write failed (NOSCRIPT).
    sendAndWait: async (_key, args, replicas, timeout) => {
      const [reply, acknowledged] = await Promise.allSettled([single.sendCommand(args, options()), single.sendCommand(waitArgs(replicas, timeout), options())]);
      if (reply.status === 'rejected') throw reply.reason;
      if (acknowledged.status === 'rejected') throw acknowledged.reason;
      return { reply: reply.value, acknowledged: acknowledgedCount(acknowledged.value) };
    },
  };
}

/** A node-redis duplicate the store owns: connected once, on first use; errors to `onError`. */
function ownNodeRedis<T extends { connect(): Promise<unknown>; destroy(): void; on(event: 'error', listener: (error: Error) => void): unknown }>(
  duplicate: T,
  onError: (error: unknown) => void,
): { client: T; ready: () => Promise<unknown>; close: () => void } {
  let connecting: Promise<unknown> | undefined;
  let closed = false;
  // Without an 'error' listener, node-redis' first connection error would crash the process.
  duplicate.on('error', (error) => {
    if (!closed) onError(error);
  });
  return {
    client: duplicate,
    ready: () => {
      connecting ??= duplicate.connect().catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      return connecting;
    },
    close: () => {
      if (closed) return;
      closed = true;
      if (connecting !== undefined) duplicate.destroy();
    },
  };
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
        ...ioredisConnection(io),
        subscribe: (channel, events) => ioredisSubscriber(io.duplicate(), channel, events),
        openWriter(onError) {
          // A duplicate connects by itself (unless the app set lazyConnect: then on first use).
          const writer = io.duplicate() as unknown as IoRedisLike & IoRedisSubscriberLike;
          let closed = false;
          writer.on('error', (error) => {
            if (!closed) onError(error);
          });
          return writerOver(
            ioredisConnection(writer),
            async () => {
              if (writer.status === 'wait') await writer.connect();
            },
            () => {
              closed = true;
              writer.disconnect();
            },
          );
        },
        onClientEnd: (listener) => onceClosed(io, 'end', listener),
      };
    }
    case 'node-redis-cluster': {
      const cluster = client as NodeRedisClusterLike;
      return {
        kind,
        ...nodeRedisClusterConnection(cluster),
        subscribe: (channel, events) => nodeRedisSubscriber(cluster.duplicate(), channel, events),
        openWriter(onError) {
          const own = ownNodeRedis(cluster.duplicate() as unknown as NodeRedisClusterLike & NodeRedisSubscriberLike, onError);
          return writerOver(nodeRedisClusterConnection(own.client), own.ready, own.close);
        },
        onClientEnd: (listener) => onceClosed(cluster, 'disconnect', listener),
      };
    }
    case 'node-redis-sentinel': {
      const sentinel = client as NodeRedisSentinelLike;
      // The Sentinel client leases its master connections: a write and its WAIT take one lease.
      const leased = (lease: { sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown> }): Connection =>
        nodeRedisConnection({ sendCommand: (args) => lease.sendCommand(false, args) }, () => undefined);
      const sendAndWait: Connection['sendAndWait'] = (key, args, replicas, timeout) => sentinel.use((lease) => leased(lease).sendAndWait(key, args, replicas, timeout));
      return {
        kind,
        send: (_key, args) => sentinel.sendCommand(false, args),
        sendAndWait,
        subscribe: (channel, events) => nodeRedisSentinelSubscriber(sentinel, channel, events),
        openWriter: () => ({
          sendAndWait,
          sendThenWaitIf: (key, args, needsWait, replicas, timeout) =>
            sentinel.use((lease) => writerOver(leased(lease), async () => undefined, () => undefined).sendThenWaitIf(key, args, needsWait, replicas, timeout)),
          close: () => undefined,
        }),
        // Its pub/sub connection is its own and closes with it.
        onClientEnd: () => () => undefined,
      };
    }
    case 'node-redis': {
      const single = client as NodeRedisClientLike;
      const offline = { timeout: offlineTimeout };
      return {
        kind,
        ...nodeRedisConnection(single, () => (single.isReady ? undefined : offline)),
        subscribe: (channel, events) => nodeRedisSubscriber(single.duplicate(), channel, events),
        openWriter(onError) {
          const own = ownNodeRedis(single.duplicate() as unknown as NodeRedisClientLike & NodeRedisSubscriberLike, onError);
          return writerOver(
            nodeRedisConnection(own.client, () => (own.client.isReady ? undefined : offline)),
            own.ready,
            own.close,
          );
        },
        onClientEnd: (listener) => onceClosed(single, 'end', listener),
      };
    }
  }
}
