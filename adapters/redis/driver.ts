import { SessionError } from '../../src/errors.js';
import { detectClient, type IoRedisLike, type IoRedisSubscriberLike, type NodeRedisClientLike, type NodeRedisClusterLike, type NodeRedisSentinelLike, type NodeRedisSubscriberLike, type RedisClientKind, type RedisClientLike } from './client.js';
import { malformedReply, replyCode, withTimeout } from './errors.js';

// Each client library behind one shape; nothing changes the state of the app's connection.

/** Sends one command; `key` routes it to its slot's master on a cluster. */
type Send = (key: string, args: string[]) => Promise<unknown>;
/** Sends a command with `WAIT replicas timeout` pipelined behind it on the same connection. */
type SendAndWait = (key: string, args: string[], replicas: number, timeout: number) => Promise<{ reply: unknown; acknowledged: number }>;

/** The store's own connection for writes that wait for replicas: WAIT blocks it, so never the app's. */
export interface DurableWriter {
  readonly sendAndWait: SendAndWait;
  close(): void;
}

/** What a subscriber connection reports: a message, an error, a possible drop (notices may be lost), the first SUBSCRIBE acknowledged. */
export interface SubscriberEvents {
  readonly message: (message: string) => void;
  readonly error: (error: unknown) => void;
  readonly interrupted: () => void;
  readonly subscribed: () => void;
}

/** One client library's commands on the app's client, and the store's own connections. */
export interface Driver {
  readonly kind: RedisClientKind;
  readonly send: Send;
  /** Opens a connection subscribed to `channel`; answers its closer. */
  subscribe(channel: string, events: SubscriberEvents): () => void;
  openWriter(onError: (error: unknown) => void): DurableWriter;
  /** Calls `listener` once the app closes its client (the store's connections end with it). */
  onClientEnd(listener: () => void): () => void;
}

function count(reply: unknown): number {
  if (Number.isInteger(Number(reply)) && Number(reply) >= 0) return Number(reply);
  throw malformedReply('WAIT');
}
const waitArgs = (replicas: number, timeout: number): string[] => ['WAIT', String(replicas), String(timeout)];

// A plain pipeline: one write, and on a Cluster to the keys' node, WAIT included.
const ioredisWait = (io: IoRedisLike): SendAndWait => async (_key, args, replicas, timeout) => {
  const replies = await io.pipeline().call(args[0]!, ...args.slice(1)).call('WAIT', String(replicas), String(timeout)).exec();
  if (replies === null || replies.length !== 2) throw malformedReply('WAIT');
  for (const [error] of replies) if (error) throw error;
  return { reply: replies[0]![1], acknowledged: count(replies[1]![1]) };
};

// Sent in one tick, so in order; settled together, so a leased connection never goes back with WAIT pending.
const nodeRedisWait = (send: (args: string[]) => Promise<unknown>): SendAndWait => async (_key, args, replicas, timeout) => {
  const [reply, acknowledged] = await Promise.allSettled([send(args), send(waitArgs(replicas, timeout))]);
  if (reply.status === 'rejected') throw reply.reason;
  if (acknowledged.status === 'rejected') throw acknowledged.reason;
  return { reply: reply.value, acknowledged: count(acknowledged.value) };
};

const clusterWait = (cluster: NodeRedisClusterLike): SendAndWait => async (key, args, replicas, timeout) => {
  const replies = await cluster.multi(key).addCommand(key, false, args).addCommand(undefined, false, waitArgs(replicas, timeout)).execAsPipeline();
  return { reply: replies[0], acknowledged: count(replies[1]) };
};

// A cluster pipeline does not follow MOVED: a plain command refreshes the slot map, then it is sent again.
const followMoved = (send: SendAndWait, refresh: (key: string) => Promise<unknown>): SendAndWait => async (key, ...rest) => {
  try {
    return await send(key, ...rest);
  } catch (error) {
    if (replyCode(error) !== 'MOVED' && replyCode(error) !== 'ASK') throw error;
    await refresh(key);
    return send(key, ...rest);
  }
};

// Nothing is sent on a connection the store opened before it is ready (at most `within` ms): it could run late.
function readiness(isReady: () => boolean, onReady: (listener: () => void) => void, start: () => void, within: number): () => Promise<void> {
  const waiting = new Set<() => void>();
  onReady(() => {
    for (const proceed of waiting) proceed();
    waiting.clear();
  });
  return () =>
    isReady()
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          start();
          const timer = setTimeout(() => (waiting.delete(proceed), reject(new SessionError('STORE_UNAVAILABLE', `The store's own Redis connection was not ready within ${within} ms.`))), within);
          const proceed = (): void => (clearTimeout(timer), resolve());
          waiting.add(proceed);
        });
}

const writer = (sendAndWait: SendAndWait, ready: () => Promise<unknown>, close: () => void): DurableWriter =>
  ({ sendAndWait: async (...args) => (await ready(), sendAndWait(...args)), close });

/** A writer over a node-redis duplicate the store owns, connected on first use (at most `within` ms); errors to `onError`. */
function ownNodeRedis(duplicate: NodeRedisSubscriberLike, sendAndWait: SendAndWait, onError: (error: unknown) => void, within: number): DurableWriter {
  let connecting: Promise<unknown> | undefined;
  let closed = false;
  // Without an 'error' listener, node-redis' first connection error would crash the process.
  duplicate.on('error', (error) => void (closed || onError(error)));
  const start = (): Promise<unknown> => (connecting ??= duplicate.connect().catch((error: unknown) => ((connecting = undefined), Promise.reject(error))));
  return writer(sendAndWait, () => withTimeout(start(), within), () => void (closed || connecting === undefined || duplicate.destroy(), (closed = true)));
}

// Events after which notices may have been missed; names a library never emits cost nothing ('node error' is ioredis's, 'node-error' node-redis's).
const INTERRUPTIONS = ['reconnecting', 'end', 'close', '-node', 'node error', 'node-error', 'node-reconnecting', 'node-disconnect'];

// A client resubscribes after a reconnect only what was acknowledged: a refused or lost SUBSCRIBE goes again every 250 ms (the first refusal reported). Answers a canceller.
function untilSubscribed(subscribe: () => Promise<unknown>, events: SubscriberEvents): () => void {
  let state: 'trying' | 'refused' | 'cancelled' = 'trying';
  let timer: NodeJS.Timeout | undefined;
  const refused = (error: unknown): void => {
    if (state === 'trying') (state = 'refused'), events.error(error), events.interrupted();
    if (state === 'refused') timer = setTimeout(attempt, 250).unref();
  };
  const attempt = (): void => void subscribe().then(() => void (state === 'cancelled' || events.subscribed()), refused);
  attempt();
  return () => void ((state = 'cancelled'), clearTimeout(timer));
}

/** Subscribes a connection the store duplicated (and so owns): node-redis or ioredis. */
function subscribeOwn(subscriber: NodeRedisSubscriberLike | IoRedisSubscriberLike, channel: string, events: SubscriberEvents, kind: RedisClientKind): () => void {
  let closed = false;
  let cancel: (() => void) | undefined;
  const report = (error: unknown): void => void (closed || (events.error(error), events.interrupted()));
  subscriber.on('error', report);
  for (const event of INTERRUPTIONS) subscriber.on(event, () => void (closed || events.interrupted()));
  if (kind === 'node-redis' || kind === 'node-redis-cluster') {
    const own = subscriber as NodeRedisSubscriberLike;
    // connect() retries by itself: it is called again only once the client gave up.
    cancel = untilSubscribed(async () => (own.isOpen || (await own.connect()), own.subscribe(channel, events.message)), events);
    // A client that gave up throws on destroy() (nothing is open); a cluster's may still hold node connections.
    return () => void ((closed = true), cancel?.(), (own.isOpen || kind === 'node-redis-cluster') && own.destroy());
  }
  subscriber = subscriber as IoRedisSubscriberLike;
  subscriber.on('message', (from, message) => void (from === channel && events.message(message)));
  // Once ready, whatever the app's offline-queue and lazyConnect settings are.
  const start = (): void => void (closed || (cancel = untilSubscribed(() => (subscriber as IoRedisSubscriberLike).subscribe(channel), events)));
  if (subscriber.status === 'ready') start();
  else {
    subscriber.once('ready', start);
    if (subscriber.status === 'wait') subscriber.connect().catch(report);
  }
  return () => ((closed = true), cancel?.(), subscriber.disconnect());
}

function onceClosed(client: unknown, event: string, listener: () => void): () => void {
  const emitter = client as { on?(event: string, listener: () => void): unknown; removeListener?(event: string, listener: () => void): unknown };
  emitter.on?.(event, listener);
  return () => void emitter.removeListener?.(event, listener);
}

/** Wraps the app's client; `offlineTimeout` drops a command node-redis queued while not ready, rather than run it late. */
export function createDriver(client: RedisClientLike, offlineTimeout: number): Driver {
  const kind = detectClient(client);
  switch (kind) {
    case 'ioredis':
    case 'ioredis-cluster': {
      const io = client as IoRedisLike;
      return {
        kind,
        send: (_key, args) => io.call(args[0]!, args.slice(1)),
        // The store's own connection subscribes again after a reconnect, and sends again a SUBSCRIBE a drop left unanswered (else never settled), whatever the app's client was made with.
        subscribe: (channel, events) => subscribeOwn(io.isCluster ? io.duplicate() : io.duplicate({ autoResubscribe: true, autoResendUnfulfilledCommands: true }), channel, events, kind),
        openWriter(onError) {
          const own = io.duplicate() as unknown as IoRedisLike & IoRedisSubscriberLike;
          let closed = false;
          own.on('error', (error) => void (closed || onError(error)));
          // lazyConnect: the first use connects it (a failure comes as an 'error' event).
          const start = (): void => void (own.status === 'wait' && own.connect().catch(() => undefined));
          const ready = readiness(() => own.status === 'ready', (listener) => own.on('ready', listener), start, offlineTimeout);
          return writer(followMoved(ioredisWait(own), (key) => own.call('PEXPIRETIME', [key])), ready, () => ((closed = true), own.disconnect()));
        },
        onClientEnd: (listener) => onceClosed(io, 'end', listener),
      };
    }
    case 'node-redis-cluster': {
      const cluster = client as NodeRedisClusterLike;
      return {
        kind,
        // Never a replica (isReadonly false): it may not have the latest write yet.
        send: (key, args) => cluster.sendCommand(key, false, args),
        subscribe: (channel, events) => subscribeOwn(cluster.duplicate(), channel, events, kind),
        openWriter(onError) {
          const duplicate = cluster.duplicate() as unknown as NodeRedisClusterLike & NodeRedisSubscriberLike;
          return ownNodeRedis(duplicate, followMoved(clusterWait(duplicate), (key) => duplicate.sendCommand(key, false, ['PEXPIRETIME', key])), onError, offlineTimeout);
        },
        onClientEnd: (listener) => onceClosed(cluster, 'disconnect', listener),
      };
    }
    case 'node-redis-sentinel': {
      const sentinel = client as NodeRedisSentinelLike;
      // The Sentinel client leases its master connections: a write and its WAIT take one lease.
      const sendAndWait: SendAndWait = (...args) => sentinel.use((lease) => nodeRedisWait((command) => lease.sendCommand(false, command))(...args));
      return {
        kind,
        send: (_key, args) => sentinel.sendCommand(false, args),
        subscribe(channel, events) {
          // Its own pub/sub connection follows the master and reconnects alone after a drop (reported only as an 'error'): notices may be lost.
          let closed = false;
          const listener = (message: string | Uint8Array): void => void (closed || events.message(String(message)));
          const interrupted = (): void => void (closed || events.interrupted());
          for (const event of ['topology-change', 'error']) sentinel.on(event, interrupted);
          const cancel = untilSubscribed(() => sentinel.subscribe(channel, listener), { ...events, interrupted });
          return () => void ((closed = true), cancel(), ['topology-change', 'error'].forEach((event) => sentinel.off(event, interrupted)), sentinel.unsubscribe(channel, listener).catch(() => undefined));
        },
        openWriter: () => ({ sendAndWait, close: () => undefined }),
        onClientEnd: () => () => undefined,
      };
    }
    case 'node-redis': {
      const single = client as NodeRedisClientLike;
      const offline = { timeout: offlineTimeout };
      const options = (of: { isReady: boolean }): { timeout: number } | undefined => (of.isReady ? undefined : offline);
      return {
        kind,
        send: (_key, args) => single.sendCommand(args, options(single)),
        subscribe: (channel, events) => subscribeOwn(single.duplicate(), channel, events, kind),
        openWriter(onError) {
          const ownClient = single.duplicate() as unknown as NodeRedisClientLike & NodeRedisSubscriberLike;
          return ownNodeRedis(ownClient, nodeRedisWait((args) => ownClient.sendCommand(args, options(ownClient))), onError, offlineTimeout);
        },
        onClientEnd: (listener) => onceClosed(single, 'end', listener),
      };
    }
  }
}
