import { withDeadline } from '../../src/core/timer.js';
import { callBack } from '../../src/events.js';
import type { RevocationNotice } from '../../src/store.js';
import { quoteIdentifier } from './names.js';
import { isPostgresJs, type PostgresClient } from './options.js';
import type { PostgresJsListening, PostgresJsSql, PostgresNotification, PostgresPool, PostgresPoolClient } from './types.js';

/** Fans the notifications of one channel out to in-process listeners. */
export interface Notifications {
  /** Adds a listener; `onResync` runs each time LISTEN becomes active (notices may have been missed before). */
  subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
  /** Stops listening and gives the LISTEN connection up. */
  close(): Promise<void>;
}

/** A notice as the payload `pg_notify` carries it: `u:<user id>` or `t:<tenant id>`. */
export const noticePayload = (notice: RevocationNotice): string => (notice.tenantId === undefined ? `u:${notice.userId}` : `t:${notice.tenantId}`);

function parseNotice(payload: string): RevocationNotice | undefined {
  if (payload.startsWith('u:')) return { userId: payload.slice(2) };
  return payload.startsWith('t:') && payload.length > 2 ? { userId: '', tenantId: payload.slice(2) } : undefined;
}

// What a client's LISTEN tells the fan-out: `listening` (again) means what came before was missed.
type Hooks = Readonly<Record<'wanted', () => boolean> & Record<'deliver', (payload: string) => void> & Record<'listening' | 'failed', () => void>>;
type Listener = { start(): void; stop(): Promise<void> };
const noAnswer = (ms: number) => () => new Error(`no answer within ${ms} ms`);
// A listener's bug must not stop the others, nor vanish.
const rethrowLater = (error: unknown): void =>
  queueMicrotask(() => {
    throw error;
  });

/** One connection in `LISTEN <channel>` while anyone subscribes, listening again after a failure (100 ms doubling to 5 s); `onResync` and the epoch cache TTL cover what it missed. */
export function notifications(client: PostgresClient, channel: string, timeoutMs: number): Notifications {
  const listeners = new Map<(notice: RevocationNotice) => void, (() => void) | undefined>();
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  const hooks: Hooks = {
    wanted: () => !closed && listeners.size > 0,
    deliver(payload) {
      const notice = parseNotice(payload);
      if (notice !== undefined) for (const listener of listeners.keys()) callBack(listener, notice, rethrowLater);
    },
    listening() {
      failures = 0;
      for (const onResync of listeners.values()) callBack(onResync, undefined, rethrowLater);
    },
    failed() {
      if (!hooks.wanted() || retry !== undefined) return;
      retry = setTimeout(() => {
        retry = undefined;
        if (hooks.wanted()) listener.start();
      }, Math.min(5_000, 100 * 2 ** failures++)).unref();
    },
  };
  const listener = isPostgresJs(client) ? postgresJsListener(client, channel, timeoutMs, hooks) : pgListener(client, channel, timeoutMs, hooks);
  const stop = (): Promise<void> => {
    clearTimeout(retry);
    retry = undefined;
    return listener.stop();
  };
  return {
    subscribe(callback, onResync) {
      listeners.set(callback, onResync);
      if (hooks.wanted()) listener.start();
      return () => {
        listeners.delete(callback);
        if (listeners.size === 0) void stop();
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      await stop();
    },
  };
}

/** A `pg` pool: one of its clients taken out of the pool for LISTEN, closed (never returned) afterwards. */
function pgListener(pool: PostgresPool, channel: string, timeoutMs: number, hooks: Hooks): Listener {
  let client: PostgresPoolClient | undefined;
  let connecting: Promise<void> | undefined;
  const onMessage = (message: PostgresNotification): void => void (message.channel === channel && message.payload !== undefined && hooks.deliver(message.payload));
  // A connection in LISTEN never goes back to the pool.
  const drop = (): void => {
    const current = client;
    client = undefined;
    current?.removeListener('notification', onMessage);
    current?.removeListener('error', onFailure);
    current?.removeListener('end', onFailure);
    current?.release(true);
  };
  function onFailure(): void {
    if (client === undefined) return;
    drop();
    hooks.failed();
  }
  const connect = async (): Promise<void> => {
    const checkedOut = await withDeadline(pool.connect(), timeoutMs, noAnswer(timeoutMs), (late) => late.release());
    if (!hooks.wanted()) return checkedOut.release();
    client = checkedOut;
    checkedOut.on('notification', onMessage);
    checkedOut.on('error', onFailure);
    checkedOut.on('end', onFailure);
    await withDeadline(checkedOut.query({ text: `LISTEN ${quoteIdentifier(channel)}` }), timeoutMs, noAnswer(timeoutMs));
    hooks.listening();
  };
  return {
    start() {
      if (client !== undefined || connecting !== undefined) return;
      connecting = connect()
        .catch(() => {
          drop();
          hooks.failed();
        })
        .finally(() => (connecting = undefined));
    },
    // Someone who subscribed during the connect found it pending (start() did nothing): the connection is theirs now.
    async stop() {
      await connecting;
      if (!hooks.wanted()) drop();
    },
  };
}

/** postgres.js: its `listen` keeps a connection of its own and listens again after a failure, calling `onlisten`. */
function postgresJsListener(sql: PostgresJsSql, channel: string, timeoutMs: number, hooks: Hooks): Listener {
  let active: Promise<PostgresJsListening> | undefined;
  // Bounded: closing during a partition must not wait for a LISTEN or an UNLISTEN nothing answers (a late LISTEN is still undone).
  const release = (attempt: Promise<PostgresJsListening>): Promise<unknown> =>
    withDeadline(attempt.then((handle) => handle.unlisten()), timeoutMs, noAnswer(timeoutMs)).catch(() => undefined);
  return {
    start() {
      if (active !== undefined) return;
      // A try given up on stays registered in postgres.js and may listen later: only the current try speaks.
      const current = (): boolean => active === attempt;
      const attempt: Promise<PostgresJsListening> = (active = sql.listen(channel, (payload) => void (current() && hooks.deliver(payload)), () => void (current() && hooks.listening())));
      const giveUp = (): void => {
        if (!current()) return;
        active = undefined;
        void release(attempt);
        hooks.failed();
      };
      withDeadline(attempt, timeoutMs, noAnswer(timeoutMs)).catch(giveUp);
    },
    async stop() {
      const current = active;
      active = undefined;
      if (current !== undefined) await release(current);
    },
  };
}
