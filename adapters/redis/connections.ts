import { setImmediate } from 'node:timers';
import type { Corkable, IoRedisLike, IoRedisSubscriberLike, NodeRedisClusterLike } from './client.js';
import { SessionError } from '../../src/errors.js';
import { malformedReply, replyCode, withTimeout } from './errors.js';

// How each client library sends a command, and a command with WAIT behind it on the same
// connection; and the connection the store opens for durable revocations.

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
   * Optional: the commands (every key in `key`'s slot) as one MULTI ... EXEC on `key`'s
   * master, sent in one write: one round trip, run as one. Resolves with their replies in order.
   */
  transaction?(key: string, commands: readonly string[][]): Promise<unknown[]>;
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

// EXEC's reply (the commands' replies) once every command of a plain MULTI ... EXEC settled:
// each has a handler, so a failed MULTI or a command refused while queued is never unhandled
// (EXEC then fails as well, with EXECABORT or "EXEC without MULTI").
async function lastReply(sent: readonly Promise<unknown>[]): Promise<unknown[]> {
  const replies = await Promise.all(sent);
  const exec = replies[replies.length - 1];
  // EXEC discards a transaction when a key the connection WATCHes changed: the app's own WATCH
  // on the client it shares with the store (the reader then goes by script).
  if (exec === null) throw new Error('DISCARDED EXEC answered null: a key watched on this connection changed');
  if (!Array.isArray(exec)) throw malformedReply('EXEC');
  // A command that failed inside EXEC (WRONGTYPE) is an error object among the replies, not a
  // rejection: read as a hash it would be an empty one, epochs nobody raised.
  const failed = exec.find((reply) => reply instanceof Error);
  if (failed !== undefined) throw failed;
  return exec;
}

// node:timers' own function, taken once at load: a test's fake timers replace the global
// setImmediate (and some replace this module's export later), and the socket would stay corked.
const releaseLater = setImmediate;

/**
 * Corks a socket until the event loop has run the rest of its current round: every command
 * written in the meantime (the validations of the requests read together, the app's own
 * commands) leaves in one write, as node-redis batches its own writes. ioredis writes each
 * command to the socket as it is called, one system call each: batched, the app pays for one
 * write per round instead of one per command (test/bench/capacity.mjs).
 */
export function writeBatcher(): (stream: Corkable) => void {
  let corked: Corkable | undefined;
  const release = (): void => {
    const stream = corked;
    corked = undefined;
    stream?.uncork();
  };
  return (stream) => {
    if (corked === stream) return;
    // Another socket (ioredis reconnected): the old one's writes go now.
    release();
    stream.cork();
    // After the I/O callbacks of this round (the other requests read with this one), as
    // node-redis does.
    releaseLater(release);
    corked = stream;
  };
}

export function ioredisConnection(io: IoRedisLike): Connection {
  const batch = writeBatcher();
  // Only a connected client's socket: offline, ioredis queues commands itself.
  const batchWrites = (): void => {
    if (io.status === 'ready' && typeof io.stream?.cork === 'function') batch(io.stream);
  };
  return {
    send: (_key, args) => {
      batchWrites();
      return io.call(args[0]!, args.slice(1));
    },
    // MULTI, the commands and EXEC as plain calls in one tick, in one write (corked): ioredis
    // writes them in order on its one connection, so nothing comes between them. Each costs
    // ioredis a few µs of the app's CPU: the transaction costs the app 5-10 µs more than the
    // one script call and saves Redis about half its CPU per validation (test/bench/capacity.mjs,
    // docs/capacity.md); app servers are added at will, a Redis shard's core is the ceiling.
    // Only while ready: connected but not yet ready, ioredis writes MULTI and EXEC at once (they
    // may run while Redis loads its data) and queues the reads for later; offline, the caller
    // sends its script, which ioredis queues whole.
    // Not on a Cluster (MULTI names no key: ioredis would send it to any node) nor with
    // auto-pipelining (ioredis then decides by each command's name, compared as spelt, and by
    // the app's autoPipeliningIgnoredCommands whether to send it at once or a tick later:
    // nothing the four could rely on to stay together): there sessions are read by the script.
    transaction:
      io.isCluster || io.options?.enableAutoPipelining === true
        ? undefined
        : (_key, commands) => {
            if (io.status !== 'ready') return Promise.reject(new Error('OFFLINE the client is not ready'));
            batchWrites();
            return lastReply([io.call('MULTI', []), ...commands.map(([name, ...args]) => io.call(name!, args)), io.call('EXEC', [])]);
          },
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
    transaction: (key, commands) => {
      let batch = cluster.multi(key);
      for (const command of commands) batch = batch.addCommand(key, false, command);
      return batch.exec();
    },
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
    // MULTI, the commands and EXEC as four plain commands written in the same tick: node-redis
    // queues them in order on the one connection, so nothing comes between them, and it costs
    // the client far less than its multi() object. Only while connected: offline, they would
    // wait in node-redis' queue without sendCommand's timeout (the caller then sends its script).
    transaction: (_key, commands) => {
      if (options() !== undefined) return Promise.reject(new Error('OFFLINE the client is not connected'));
      return lastReply([single.sendCommand(['MULTI']), ...commands.map((command) => single.sendCommand(command)), single.sendCommand(['EXEC'])]);
    },
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
