import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { markScript } from '../../adapters/redis/scripts/prune.js';
import { createScript, getScript, touchScript } from '../../adapters/redis/scripts/sessions.js';
import { rememberDeviceScript } from '../../adapters/redis/scripts/users.js';
import { createSessionManager } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

/** Commands one connection sends, seen through MONITOR on another connection. */
class CommandLog {
  readonly #lines: string[] = [];
  #address = '';
  #marker = '';

  constructor(private readonly monitor: RedisClientType, private readonly echo: (text: string) => Promise<unknown>) {}

  async start(address: string): Promise<void> {
    this.#address = address;
    await this.monitor.monitor((line) => {
      if (line.includes(` ${this.#address}]`)) this.#lines.push(line);
    });
  }

  /**
   * The commands since the last call. MONITOR reports commands in the order Redis ran them,
   * so once an ECHO sent after them shows up, every earlier one has.
   */
  async take(): Promise<string[]> {
    this.#marker = `marker-${randomUUID()}`;
    await this.echo(this.#marker);
    const deadline = Date.now() + 5_000;
    while (!this.#lines.some((line) => line.includes(this.#marker))) {
      if (Date.now() > deadline) throw new Error('MONITOR did not report the marker within 5 s.');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const taken = this.#lines.splice(0).filter((line) => !line.includes(this.#marker));
    return taken.map((line) => line.slice(line.indexOf(']') + 2));
  }
}

const addressOf = (clientInfo: unknown): string => /addr=(\S+)/.exec(String(clientInfo))![1]!;

/** How the tests below reach an ioredis client, and the commands it should read a session with. */
function ioredisFlavour(name: string, client: () => Redis, read: RegExp[], readWithTenant: RegExp[]) {
  return {
    name,
    client,
    address: async () => addressOf(await client().call('CLIENT', ['INFO'])),
    echo: (text: string) => client().call('ECHO', [text]),
    read,
    readWithTenant,
  };
}

describe.skipIf(!redisUp)('Redis commands per request', () => {
  let nodeRedis: RedisClientType;
  let ioredis: Redis;
  let autoPipelined: Redis;

  beforeAll(async () => {
    nodeRedis = await connectNodeRedis(6379);
    ioredis = await connectIoredis(6379);
    autoPipelined = await connectIoredis(6379, { enableAutoPipelining: true });
    // A server that has not run a script yet answers NOSCRIPT and the store falls back to
    // EVAL once; the counts below are about a warm server, so its cache is filled first.
    for (const script of [getScript, touchScript]) await nodeRedis.sendCommand(['SCRIPT', 'LOAD', script.source]);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedis);
    await nodeRedis.close();
    await ioredis.quit();
    await autoPipelined.quit();
  });

  // How each client reads a session the store has seen before: two HGETALLs in one
  // MULTI/EXEC, written together; ioredis with auto-pipelining by the read-only script, one
  // command (ioredis decides command by command whether to send it at once or a tick later).
  const transaction = [/^"multi"$/, /^"hgetall" ".*:s:[^"]+"$/, /^"hgetall" ".*:u:counted:e"$/, /^"exec"$/];
  const transactionWithTenant = [/^"multi"$/, /^"hgetall" ".*:s:[^"]+"$/, /^"hgetall" ".*:u:counted:e"$/, /^"hgetall" ".*\{~[0-9a-f]{4}\}:t:acme:e"$/, /^"exec"$/];
  const byScript = [new RegExp(`^"evalsha_ro" "${getScript.sha}"`)];
  const flavours = [
    {
      name: 'node-redis',
      client: () => nodeRedis,
      address: async () => addressOf(await nodeRedis.sendCommand(['CLIENT', 'INFO'])),
      echo: (text: string) => nodeRedis.sendCommand(['ECHO', text]),
      read: transaction,
      readWithTenant: transactionWithTenant,
    },
    ioredisFlavour('ioredis', () => ioredis, transaction, transactionWithTenant),
    ioredisFlavour('ioredis with auto-pipelining', () => autoPipelined, byScript, byScript),
  ];

  // ioredis writes every command to its socket as it is called: one system call per command for
  // the app, and one read per command for Redis, unless the store batches them.
  it('sends the validations of requests that came in together in one socket write (ioredis)', async () => {
    const sessions = createSessionManager({ store: redisStore({ client: ioredis, prefix: freshPrefix('cmdw') }) });
    onTestFinished(() => sessions.close());
    const tokens: string[] = [];
    for (let index = 0; index < 10; index++) tokens.push((await sessions.create({ userId: `batched-${index}`, userAgent: UA.chromeMac })).token);
    // Each seen once, one at a time: what sign-in sends after it answers has gone too.
    for (const token of tokens) expect((await sessions.validate(token)).ok).toBe(true);
    const socket = (ioredis as unknown as { stream: Socket }).stream;
    // The socket's own write hooks: one call per write it makes (_writev for several chunks).
    const single = vi.spyOn(socket as unknown as { _write: (...args: unknown[]) => void }, '_write');
    const batched = vi.spyOn(socket as unknown as { _writev: (chunks: unknown[], callback: unknown) => void }, '_writev');
    onTestFinished(() => {
      single.mockRestore();
      batched.mockRestore();
    });
    // Ten requests that came in together: ten validations started at once.
    const results = await Promise.all(tokens.map((token) => sessions.validate(token)));
    expect(results.map((result) => result.ok)).toEqual(tokens.map(() => true));
    expect(single).not.toHaveBeenCalled();
    expect(batched).toHaveBeenCalledTimes(1);
    // Each validation's MULTI, two HGETALLs and EXEC.
    expect(batched.mock.calls[0]![0]).toHaveLength(40);
    // One at a time, each still one write.
    single.mockClear();
    batched.mockClear();
    for (const token of tokens.slice(0, 3)) expect((await sessions.validate(token)).ok).toBe(true);
    expect(single.mock.calls.length + batched.mock.calls.length).toBe(3);
  });

  for (const flavour of flavours) {
    it(`validates in one round trip, by script on first sight and then as the client reads cheapest, and writes only for the throttled touch (${flavour.name})`, async () => {
      const watcher = await connectNodeRedis(6379);
      onTestFinished(() => watcher.destroy());
      const log = new CommandLog(watcher, flavour.echo);
      await log.start(await flavour.address());
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client: flavour.client(), prefix: freshPrefix('cmd') }), clock: clock.read, touchInterval: 60_000 });
      const { token } = await sessions.create({ userId: 'counted', userAgent: UA.chromeMac });
      expect((await sessions.validate(token)).ok).toBe(true);
      // Sign-in: the create script (which writes the sign-in's activity entry too) and one mark
      // of the prune directories, the known device and its mark; then the first validation.
      // On a server that had not cached a script yet, its EVALSHA is followed by one EVAL.
      const warmUp = (await log.take()).filter((command) => !/^"eval(_ro)?" /i.test(command));
      const scripts = warmUp.map((command) => /^"(evalsha(?:_ro)?)" "([0-9a-f]{40})"/i.exec(command)?.[2]);
      expect(scripts.sort()).toEqual([createScript.sha, markScript.sha, markScript.sha, rememberDeviceScript.sha, getScript.sha].sort());

      for (let index = 0; index < 25; index++) {
        clock.advance(1_000);
        expect((await sessions.validate(token)).ok).toBe(true);
      }
      // Every later validation: one round trip, the commands of flavour.read (written
      // together), nothing else; node-redis's transaction needs the user the store now knows.
      const { read } = flavour;
      const reads = (await log.take()).map((command) => command.toLowerCase());
      expect(reads).toHaveLength(25 * read.length);
      reads.forEach((command, index) => expect(command).toMatch(read[index % read.length]!));

      clock.advance(60_000);
      expect((await sessions.validate(token)).ok).toBe(true);
      const touched = (await log.take()).map((command) => command.toLowerCase());
      expect(touched).toHaveLength(read.length + 1);
      touched.slice(0, read.length).forEach((command, index) => expect(command).toMatch(read[index]!));
      expect(touched[read.length]).toMatch(new RegExp(`^"evalsha" "${touchScript.sha}"`));

      clock.advance(1_000);
      expect((await sessions.validate(token)).ok).toBe(true);
      expect(await log.take()).toHaveLength(read.length);
      await sessions.close();
    });

    it(`validates a session with a tenant in one round trip too, its tenant's epochs read with the session and the user's (${flavour.name})`, async () => {
      const watcher = await connectNodeRedis(6379);
      onTestFinished(() => watcher.destroy());
      const log = new CommandLog(watcher, flavour.echo);
      await log.start(await flavour.address());
      const clock = new TestClock();
      const sessions = createSessionManager({ store: redisStore({ client: flavour.client(), prefix: freshPrefix('cmdt') }), clock: clock.read, touchInterval: 60_000 });
      const { token } = await sessions.create({ userId: 'counted', tenantId: 'acme', userAgent: UA.chromeMac });
      await log.take();
      // First sight: the script reads the row, the user's epochs and the tenant's, by the row's tenant.
      expect((await sessions.validate(token)).ok).toBe(true);
      const first = (await log.take()).filter((command) => !/^"eval(_ro)?" /i.test(command));
      expect(first).toHaveLength(1);
      expect(first[0]).toMatch(new RegExp(`^"evalsha_ro" "${getScript.sha}"`, 'i'));

      for (let index = 0; index < 10; index++) {
        clock.advance(1_000);
        expect((await sessions.validate(token)).ok).toBe(true);
      }
      const read = flavour.readWithTenant;
      const reads = (await log.take()).map((command) => command.toLowerCase());
      expect(reads).toHaveLength(10 * read.length);
      reads.forEach((command, index) => expect(command).toMatch(read[index % read.length]!));
      await sessions.close();
    });
  }
});
