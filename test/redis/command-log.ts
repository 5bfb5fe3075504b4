import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { expect } from 'vitest';
import type { SessionManager } from '../../src/index.js';
import { DAY, type TestClock, UA } from '../support/clock.js';

/** The address MONITOR names a connection by, from a `CLIENT INFO` or `CLIENT LIST` line. */
export const addressOf = (clientInfo: unknown): string => /addr=(\S+)/.exec(String(clientInfo))![1]!;

/** The addresses of every connection a server has now (read from a connection of its own). */
export async function connectedAddresses(port: number): Promise<string[]> {
  const admin = createClient({ socket: { host: '127.0.0.1', port, connectTimeout: 1_000 } });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const own = addressOf(await admin.sendCommand(['CLIENT', 'INFO']));
    const lines = String(await admin.sendCommand(['CLIENT', 'LIST'])).split('\n').filter(Boolean);
    return lines.map(addressOf).filter((address) => address !== own);
  } finally {
    admin.destroy();
  }
}

/**
 * The commands some connections of one server send, seen through MONITOR on a connection of
 * its own. Lines are `<time> [<db> <address>] "command" "arg" ...`; commands a script runs are
 * reported from `lua`, never from a connection's address.
 */
export class CommandLog {
  readonly #lines: string[] = [];
  readonly #addresses = new Set<string>();
  #waiting: { marker: string; found: () => void } | undefined;

  private constructor(
    private readonly monitor: RedisClientType,
    private readonly marker: RedisClientType,
  ) {}

  /** Starts logging what the connections at `addresses` send to the server on `port`. */
  static async start(port: number, addresses: readonly string[]): Promise<CommandLog> {
    const open = async (): Promise<RedisClientType> => {
      const client: RedisClientType = createClient({ socket: { host: '127.0.0.1', port, connectTimeout: 1_000 } });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    const log = new CommandLog(await open(), await open());
    for (const address of addresses) log.#addresses.add(address);
    log.#addresses.add(addressOf(await log.marker.sendCommand(['CLIENT', 'INFO'])));
    await log.monitor.monitor((line) => {
      const address = /^\S+ \[\d+ (\S+)\]/.exec(line)?.[1];
      if (address === undefined || !log.#addresses.has(address)) return;
      log.#lines.push(line);
      if (log.#waiting !== undefined && line.includes(log.#waiting.marker)) log.#waiting.found();
    });
    return log;
  }

  /**
   * The commands (lower-cased names, arguments as MONITOR quotes them) since the last call.
   * MONITOR reports commands in the order Redis ran them, and every command awaited before
   * this call already ran: once the marker sent now shows up, every one of them has.
   */
  async take(): Promise<string[]> {
    const marker = `marker-${randomUUID()}`;
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('MONITOR did not report the marker within 5 s.')), 5_000);
      this.#waiting = { marker, found: resolve };
    });
    try {
      await this.marker.sendCommand(['ECHO', marker]);
      await seen;
    } finally {
      clearTimeout(timer);
      this.#waiting = undefined;
    }
    const taken = this.#lines.splice(0).filter((line) => !line.includes(marker));
    return taken.map((line) => {
      const command = line.slice(line.indexOf(']') + 2);
      const space = command.indexOf(' ');
      return space === -1 ? command.toLowerCase() : `${command.slice(0, space).toLowerCase()}${command.slice(space)}`;
    });
  }

  /** Ends MONITOR and closes both connections. */
  stop(): void {
    this.monitor.destroy();
    this.marker.destroy();
  }
}

/**
 * Commands that change the state of the connection they are sent on (a transaction, a WATCH,
 * the selected database, the connection's name or mode): never the store's to send on a
 * connection the app owns.
 */
export const CONNECTION_STATE = /^"(multi|exec|discard|watch|unwatch|select|swapdb|client|reset|hello|auth|subscribe|psubscribe|ssubscribe|unsubscribe|punsubscribe|sunsubscribe|monitor|readonly|readwrite)"/;

/** The `touchInterval` of the managers {@link exercise} runs. */
export const TOUCH_INTERVAL = 60_000;

/**
 * Every store operation an app runs on a request or in the background: sign-in, validation on
 * first sight and after, the throttled touch, the list, each kind of revocation, prune.
 */
export async function exercise(sessions: SessionManager, clock: TestClock, userId: string): Promise<void> {
  const kept = await sessions.create({ userId, tenantId: 'acme', userAgent: UA.chromeMac });
  const other = await sessions.create({ userId, tenantId: 'acme', userAgent: UA.firefoxWindows });
  expect((await sessions.validate(kept.token)).ok).toBe(true);
  expect((await sessions.validate(kept.token)).ok).toBe(true);
  clock.advance(TOUCH_INTERVAL + 1);
  expect((await sessions.validate(kept.token)).ok).toBe(true);
  expect((await sessions.validate(other.token)).ok).toBe(true);
  expect(await sessions.list(userId)).toHaveLength(2);
  expect(await sessions.revoke(other.session.id)).toBe(true);
  await sessions.create({ userId, userAgent: UA.safariMac });
  expect((await sessions.revokeOthers(userId, kept.session.id)).revokedIds).toHaveLength(1);
  await sessions.revokeAll(userId);
  await sessions.revokeTenant('acme');
  expect(await sessions.validate(kept.token)).toEqual({ ok: false, reason: 'revoked' });
  clock.advance(400 * DAY);
  await sessions.prune();
}
