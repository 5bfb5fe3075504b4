import { SessionError } from '../../src/errors.js';
import {
  detectClient,
  type IoRedisLike,
  type IoRedisSubscriberLike,
  type NodeRedisClientLike,
  type NodeRedisClusterLike,
  type NodeRedisSentinelLike,
  type NodeRedisSubscriberLike,
  type OwnedSubscriber,
  type RedisClientKind,
  type RedisClientLike,
  type SubscriberEvents,
} from './client.js';
import { malformedReply, replyCode, withTimeout } from './errors.js';
import { ioredisSubscriber, nodeRedisSentinelSubscriber, nodeRedisSubscriber } from './subscribers.js';

// How each client library sends a command, and a command with WAIT pipelined behind it on the
// same connection. Nothing here changes a connection's state (no MULTI, WATCH, SELECT, CLIENT):
// the app's client carries the app's own commands too.

/** Sending on one connection (or one node's, on a cluster). */
interface Connection {
  /** Sends one command; `key` routes it to its slot's master on a cluster. */
  send(key: string, args: string[]): Promise<unknown>;
  /** Sends `args` and `WAIT replicas timeout` behind it: the reply and the replicas that hold every write so far. */
  sendAndWait(key: string, args: string[], replicas: number, timeout: number): Promise<{ reply: unknown; acknowledged: number }>;
}

/** The store's own connection for batches that wait for replicas: WAIT blocks it, so never the app's. */
export interface DurableWriter {
  readonly sendAndWait: Connection['sendAndWait'];
  /** Closes the connection the store opened (at once: nothing in it is worth a QUIT). */
  close(): void;
}

function writerOver(connection: Connection, ready: () => Promise<unknown>, close: () => void): DurableWriter {
  return {
    sendAndWait: async (key, args, replicas, timeout) => {
      await ready();
      return connection.sendAndWait(key, args, replicas, timeout);
    },
    close,
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

function nodeRedisConnection(
  single: { sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown> },
  options: () => { timeout?: number } | undefined,
): Connection {
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

/**
 * The wait before a write on a connection the store opened: nothing is sent on it before it is
 * ready, for at most `within` ms. A command sent earlier is refused at once by a client without
 * an offline queue, and one with a queue runs it when the connection comes back: after the store
 * reported the write as failed (a sign-in the user was told failed would become a device on
 * their list). One `ready` listener serves every wait, and a wait that ran out leaves nothing.
 */
function readiness(connection: { isReady(): boolean; onReady(listener: () => void): void; start(): void }, within: number): () => Promise<void> {
  const waiting = new Set<() => void>();
  connection.onReady(() => {
    for (const proceed of waiting) proceed();
    waiting.clear();
  });
  return () => {
    if (connection.isReady()) return Promise.resolve();
    connection.start();
    return new Promise<void>((resolve, reject) => {
      const proceed = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.delete(proceed);
        reject(new SessionError('STORE_UNAVAILABLE', `The store's own Redis connection was not ready within ${within} ms.`));
      }, within);
      waiting.add(proceed);
    });
  };
}

/** What a node-redis duplicate tells of its connection: a single client's, not a cluster's. */
interface ReadyEvents {
  readonly isReady?: boolean;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * A node-redis duplicate the store owns: connected on first use, a write waiting for it at most
 * `within` ms (see {@link readiness}); errors to `onError`.
 */
function ownNodeRedis<T extends { connect(): Promise<unknown>; destroy(): void; on(event: 'error', listener: (error: Error) => void): unknown }>(
  duplicate: T,
  onError: (error: unknown) => void,
  within: number,
): { client: T; ready: () => Promise<unknown>; close: () => void } {
  let connecting: Promise<unknown> | undefined;
  let closed = false;
  // Without an 'error' listener, node-redis' first connection error would crash the process.
  duplicate.on('error', (error) => {
    if (!closed) onError(error);
  });
  const start = (): Promise<unknown> =>
    (connecting ??= duplicate.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    }));
  const events = duplicate as unknown as ReadyEvents;
  // A single client says when it is ready; a cluster only settles its connect().
  const ready =
    typeof events.isReady === 'boolean'
      ? readiness({ isReady: () => events.isReady === true, onReady: (listener) => events.on('ready', listener), start: () => void start().catch(() => undefined) }, within)
      : () => withTimeout(start(), within);
  return {
    client: duplicate,
    ready,
    close: () => {
      if (closed) return;
      closed = true;
      if (connecting !== undefined) duplicate.destroy();
    },
  };
}

/**
 * One client library's way of sending commands on the app's client and of opening the store's
 * own connections, behind one shape.
 */
export interface Driver {
  readonly kind: RedisClientKind;
  /** Sends one command on the app's client; `key` routes it to its slot's master on a cluster. */
  send: Connection['send'];
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
        send: ioredisConnection(io).send,
        subscribe: (channel, events) => ioredisSubscriber(io.duplicate(), channel, events),
        openWriter(onError) {
          // A duplicate connects by itself (unless the app set lazyConnect: then on first use).
          const writer = io.duplicate() as unknown as IoRedisLike & IoRedisSubscriberLike;
          let closed = false;
          writer.on('error', (error) => {
            if (!closed) onError(error);
          });
          const ready = readiness(
            {
              isReady: () => writer.status === 'ready',
              onReady: (listener) => writer.on('ready', listener),
              // lazyConnect: the first use connects it (a failure comes as an 'error' event).
              start: () => {
                if (writer.status === 'wait') writer.connect().catch(() => undefined);
              },
            },
            offlineTimeout,
          );
          return writerOver(ioredisConnection(writer), ready, () => {
            closed = true;
            writer.disconnect();
          });
        },
        onClientEnd: (listener) => onceClosed(io, 'end', listener),
      };
    }
    case 'node-redis-cluster': {
      const cluster = client as NodeRedisClusterLike;
      return {
        kind,
        send: nodeRedisClusterConnection(cluster).send,
        subscribe: (channel, events) => nodeRedisSubscriber(cluster.duplicate(), channel, events),
        openWriter(onError) {
          const own = ownNodeRedis(cluster.duplicate() as unknown as NodeRedisClusterLike & NodeRedisSubscriberLike, onError, offlineTimeout);
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
        subscribe: (channel, events) => nodeRedisSentinelSubscriber(sentinel, channel, events),
        openWriter: () => ({ sendAndWait, close: () => undefined }),
        // Its pub/sub connection is its own and closes with it.
        onClientEnd: () => () => undefined,
      };
    }
    case 'node-redis': {
      const single = client as NodeRedisClientLike;
      const offline = { timeout: offlineTimeout };
      return {
        kind,
        send: nodeRedisConnection(single, () => (single.isReady ? undefined : offline)).send,
        subscribe: (channel, events) => nodeRedisSubscriber(single.duplicate(), channel, events),
        openWriter(onError) {
          const own = ownNodeRedis(single.duplicate() as unknown as NodeRedisClientLike & NodeRedisSubscriberLike, onError, offlineTimeout);
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
