import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { portOpen } from './services.js';
import { launchRedis, makeServerDir, redisCli, removeServerDir, requireRedisBinaries, stopRedis, waitForPort } from './redis-server.js';

const run = promisify(execFile);

// Every process this file starts, so a test process that dies mid-test still takes them down.
const started = new Set<number>();
process.once('exit', () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Whether redis-server, redis-cli and redis-sentinel can run here (skip on a laptop, an error under CI=true). */
export async function requireSentinelBinaries(): Promise<boolean> {
  if (!(await requireRedisBinaries())) return false;
  try {
    await run('redis-sentinel', ['--version'], { timeout: 5_000 });
    return true;
  } catch {
    const message = 'redis-sentinel is not installed (apt-get install redis-sentinel)';
    if (process.env['CI'] === 'true') throw new Error(`${message}, and CI=true: the Sentinel suite must run in CI.`);
    console.warn(`${message}: skipping the Sentinel suite.`);
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms.`);
}

/** A primary, its replica and three Sentinels watching them, all on loopback ports. */
export interface LocalSentinelGroup {
  /** The master name the Sentinels know the group by. */
  readonly name: string;
  readonly sentinelPorts: readonly number[];
  /** The data servers' ports: [first primary, first replica]. */
  readonly serverPorts: readonly number[];
  /** The port of the master the Sentinels report now. */
  master(): Promise<number>;
  /** SIGKILL to the data server on `port`; resolves once its port is closed. */
  kill(port: number): Promise<void>;
  /** Starts the data server on `port` again, empty, as a replica of the current master that Sentinel never promotes. */
  restart(port: number): Promise<void>;
  /** Waits until the Sentinels report a master other than `port`, and returns it. */
  waitForFailover(from: number, timeoutMs: number): Promise<number>;
  /** Waits until `master` has `replicas` replicas with their link up and in sync. */
  waitForReplicas(master: number, replicas: number, timeoutMs: number): Promise<void>;
  /** What each server and Sentinel says now, with the ends of their logs: for a failure's message. */
  describe(): Promise<string>;
  /** Stops every process and removes the directory. Never throws. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on `serverPorts[0]` (primary) and `serverPorts[1]` (its replica), and a
 * redis-sentinel on each of `sentinelPorts` (quorum 2) with short timings, so a failover takes
 * a few seconds: the primary is judged down after `downAfterMs` (default 3 s) without an answer.
 * With 1 s, a loaded machine made the Sentinels fail over from a primary that had not died.
 */
export async function startSentinelGroup(options: {
  serverPorts: readonly [number, number];
  sentinelPorts: readonly [number, number, number];
  name?: string;
  downAfterMs?: number;
}): Promise<LocalSentinelGroup> {
  const name = options.name ?? 'sr-main';
  const [primary, replica] = options.serverPorts;
  const dir = await makeServerDir('sentinel');
  const pids = new Map<number, number>();
  const launchServer = async (port: number, extra: readonly string[] = []): Promise<void> => {
    const pid = await launchRedis(port, dir, extra);
    pids.set(port, pid);
    started.add(pid);
  };
  // What each server and Sentinel says: a wait that times out on a loaded machine explains itself.
  const describeGroup = async (): Promise<string> => {
    const lines: string[] = [];
    for (const port of options.serverPorts) {
      const info = await redisCli(port, ['info', 'replication']).catch((error: Error) => `unreachable: ${error.message}`);
      const wanted = info.split('\n').filter((line) => /^(role|master_port|master_link_status|master_sync_in_progress|master_link_down_since_seconds|connected_slaves|slave\d+|unreachable)/.test(line));
      lines.push(`server ${port}: ${wanted.map((line) => line.trim()).join('; ')}`);
      const log = await readFile(join(dir, `redis-${port}.log`), 'utf8').catch(() => '');
      lines.push(...log.trim().split('\n').slice(-12).map((line) => `  ${port}.log ${line}`));
    }
    for (const port of options.sentinelPorts) {
      const named = await redisCli(port, ['sentinel', 'get-master-addr-by-name', name]).catch((error: Error) => `unreachable: ${error.message}`);
      lines.push(`sentinel ${port}: master ${named.split('\n').join(':')}`);
      const log = await readFile(join(dir, `sentinel-${port}.log`), 'utf8').catch(() => '');
      lines.push(...log.trim().split('\n').slice(-8).map((line) => `  sentinel-${port}.log ${line}`));
    }
    return lines.join('\n');
  };
  const group: LocalSentinelGroup = {
    name,
    sentinelPorts: options.sentinelPorts,
    serverPorts: options.serverPorts,
    async master() {
      const reply = await redisCli(options.sentinelPorts[0], ['sentinel', 'get-master-addr-by-name', name]);
      return Number(reply.split('\n')[1]);
    },
    async kill(port) {
      const pid = pids.get(port);
      if (pid === undefined) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      pids.delete(port);
      started.delete(pid);
      await waitForPort(port, false);
    },
    // Started as a replica of the current master: an operator restarting a dead node with the
    // configuration Sentinel rewrote would get the same. With priority 0: on a loaded machine the
    // Sentinels can fail over once more while it syncs, and promoting a node that came back
    // empty would lose every write (Redis's own loss, not a store's).
    restart: async (port) => launchServer(port, ['--replicaof', '127.0.0.1', String(await group.master()), '--replica-priority', '0']),
    // Every Sentinel must name the new master, not only the first: a client that asks one still
    // naming the old master once that server is back (a replica, empty while it syncs) would
    // read from it.
    waitForFailover: (from, timeoutMs) =>
      until(`A failover away from ${from}`, timeoutMs, async () => {
        const named = await Promise.all(options.sentinelPorts.map(async (port) => Number((await redisCli(port, ['sentinel', 'get-master-addr-by-name', name])).split('\n')[1])));
        const now = named[0]!;
        if (now === from || !Number.isInteger(now) || named.some((port) => port !== now)) return undefined;
        const role = await redisCli(now, ['role']);
        return role.startsWith('master') ? now : undefined;
      }),
    waitForReplicas: async (master, replicas, timeoutMs) => {
      try {
        await until(`${replicas} replicas in sync with ${master}`, timeoutMs, async () => {
          const info = await redisCli(master, ['info', 'replication']);
          if (!info.includes('role:master')) return undefined;
          const online = info.split('\n').filter((line) => /^slave\d+:.*state=online/.test(line)).length;
          if (online < replicas) return undefined;
          // WAIT on a fresh connection returns at once when every replica acknowledged everything.
          const acknowledged = Number(await redisCli(master, ['wait', String(replicas), '500']));
          return acknowledged >= replicas ? true : undefined;
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${await describeGroup()}`);
      }
    },
    describe: describeGroup,
    async stop() {
      for (const [port, pid] of pids) {
        await stopRedis(pid, port).catch(() => undefined);
        started.delete(pid);
      }
      pids.clear();
      await removeServerDir(dir).catch(() => undefined);
    },
  };
  try {
    await launchServer(primary);
    await launchServer(replica, ['--replicaof', '127.0.0.1', String(primary)]);
    await group.waitForReplicas(primary, 1, 20_000);
    for (const port of options.sentinelPorts) {
      if (await portOpen(port, '127.0.0.1', 300)) throw new Error(`127.0.0.1:${port} is already in use; free it to run this suite.`);
      const conf = join(dir, `sentinel-${port}.conf`);
      const pidfile = join(dir, `sentinel-${port}.pid`);
      await rm(pidfile, { force: true });
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'daemonize yes',
          `pidfile ${pidfile}`,
          `logfile ${join(dir, `sentinel-${port}.log`)}`,
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primary} 2`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 3_000}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      await run('redis-sentinel', [conf], { timeout: 10_000 });
      await waitForPort(port, true);
      const pid = await until(`redis-sentinel ${port} writing its pid`, 5_000, async () => {
        const value = Number((await readFile(pidfile, 'utf8')).trim());
        return Number.isInteger(value) && value > 0 ? value : undefined;
      });
      pids.set(port, pid);
      started.add(pid);
    }
    // Every Sentinel knows the replica and the other Sentinels before any test kills anything.
    await until('the Sentinels discovering each other and the replica', 30_000, async () => {
      const states = await Promise.all(options.sentinelPorts.map((port) => redisCli(port, ['sentinel', 'master', name])));
      const ready = states.every((state) => {
        const fields = state.split('\n');
        const field = (key: string): string | undefined => fields[fields.indexOf(key) + 1];
        return field('num-slaves') === '1' && field('num-other-sentinels') === '2';
      });
      return ready ? true : undefined;
    });
    return group;
  } catch (error) {
    await group.stop();
    throw error;
  }
}
