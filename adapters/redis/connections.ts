import type { IoRedisLike, NodeRedisClusterLike } from './client.js';
import { SessionError } from '../../src/errors.js';
import { malformedReply, replyCode, withTimeout } from './errors.js';

// How each client library sends a command, and a command with WAIT behind it on the same
// connection; and the connection the store opens for durable revocations. Nothing here changes
// the state of a connection (no MULTI, WATCH, SELECT, CLIENT, no corked socket): the app's
// client is shared with the app's own commands.

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

// A sign-in's WAIT needs a command with the key only to reach the key's node.
const routeTo = (key: string): string[] => ['PEXPIRETIME', key];

/** Wraps a connection the store opened: sends wait for it to connect, first use connects it. */
export function writerOver(connection: Connection, ready: () => Promise<unknown>, close: () => void): DurableWriter {
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

export function ioredisConnection(io: IoRedisLike): Connection {
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

export function nodeRedisClusterConnection(cluster: NodeRedisClusterLike): Connection {
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

export function nodeRedisConnection(
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
export function readiness(connection: { isReady(): boolean; onReady(listener: () => void): void; start(): void }, within: number): () => Promise<void> {
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
export function ownNodeRedis<T extends { connect(): Promise<unknown>; destroy(): void; on(event: 'error', listener: (error: Error) => void): unknown }>(
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
