import type { IoRedisSubscriberLike, NodeRedisSentinelLike, NodeRedisSubscriberLike, OwnedSubscriber, SubscriberEvents } from './client.js';

// The pub/sub side of each client library. A subscriber connection is the store's own: it is
// dropped with destroy()/disconnect() (nothing in it is worth a graceful QUIT), and its errors
// go to the store's onError, never into a request. Both libraries reconnect and resubscribe
// by themselves; the store only needs to hear that the connection may have dropped.

// Events after which notices may have been missed. Names a library never emits cost nothing.
const NODE_REDIS_INTERRUPTIONS = ['reconnecting', 'end', 'node-error', 'node-reconnecting', 'node-disconnect'];
const IOREDIS_INTERRUPTIONS = ['close', 'reconnecting', 'end', '-node'];

/** Subscribes a node-redis connection the store duplicated (and so owns). */
export function nodeRedisSubscriber(subscriber: NodeRedisSubscriberLike, channel: string, events: SubscriberEvents): OwnedSubscriber {
  let closed = false;
  const report = (error: unknown): void => {
    if (closed) return;
    events.error(error);
    events.interrupted();
  };
  const interrupted = (): void => {
    if (!closed) events.interrupted();
  };
  // node-redis reports connection trouble as 'error' events; without a listener Node would
  // crash the process on the first one.
  subscriber.on('error', report);
  for (const event of NODE_REDIS_INTERRUPTIONS) subscriber.on(event, interrupted);
  subscriber
    .connect()
    .then(() => subscriber.subscribe(channel, events.message))
    .then(() => {
      if (!closed) events.subscribed();
    }, report);
  return {
    close() {
      closed = true;
      subscriber.destroy();
    },
  };
}

/** Subscribes an ioredis connection the store duplicated (and so owns). */
export function ioredisSubscriber(subscriber: IoRedisSubscriberLike, channel: string, events: SubscriberEvents): OwnedSubscriber {
  let closed = false;
  const report = (error: unknown): void => {
    if (closed) return;
    events.error(error);
    events.interrupted();
  };
  const interrupted = (): void => {
    if (!closed) events.interrupted();
  };
  subscriber.on('error', report);
  for (const event of IOREDIS_INTERRUPTIONS) subscriber.on(event, interrupted);
  subscriber.on('message', (from, message) => {
    if (from === channel) events.message(message);
  });
  // Subscribing once ready works whatever the app's offline-queue and lazyConnect settings are.
  const start = (): void => {
    if (closed) return;
    subscriber.subscribe(channel).then(() => {
      if (!closed) events.subscribed();
    }, report);
  };
  if (subscriber.status === 'ready') start();
  else {
    subscriber.once('ready', start);
    if (subscriber.status === 'wait') subscriber.connect().catch(report);
  }
  return {
    close() {
      closed = true;
      subscriber.disconnect();
    },
  };
}

/**
 * Subscribes through a node-redis Sentinel client's own pub/sub connection, which follows the
 * master across failovers and resubscribes there. A `topology-change` (a failover) may have
 * lost notices, so it counts as an interruption.
 */
export function nodeRedisSentinelSubscriber(sentinel: NodeRedisSentinelLike, channel: string, events: SubscriberEvents): OwnedSubscriber {
  let closed = false;
  const listener = (message: string): void => {
    if (!closed) events.message(message);
  };
  const interrupted = (): void => {
    if (!closed) events.interrupted();
  };
  sentinel.on('topology-change', interrupted);
  sentinel.subscribe(channel, listener).then(
    () => {
      if (!closed) events.subscribed();
    },
    (error: unknown) => {
      if (closed) return;
      events.error(error);
      events.interrupted();
    },
  );
  return {
    close() {
      closed = true;
      sentinel.off('topology-change', interrupted);
      sentinel.unsubscribe(channel, listener).catch(() => undefined);
    },
  };
}
