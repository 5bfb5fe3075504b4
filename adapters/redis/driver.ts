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
import { ioredisConnection, nodeRedisClusterConnection, nodeRedisConnection, ownNodeRedis, readiness, writerOver, type Connection, type DurableWriter } from './connections.js';
import { ioredisSubscriber, nodeRedisSentinelSubscriber, nodeRedisSubscriber } from './subscribers.js';

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
