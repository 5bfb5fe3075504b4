import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchRedis, makeServerDir, removeServerDir, requireRedisBinaries, stopRedis, waitForPort } from '../../support/redis-server.js';
import { portOpen } from '../../support/services.js';

const run = promisify(execFile);

// Every server process this file starts, so a test process that dies on an assertion (or is
// killed by the runner's timeout) still takes them down: `exit` handlers run synchronously.
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

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  return signal(pid, 0);
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms.`);
}

/**
 * The processes working in `dir`: every PostgreSQL process (postmaster, backends, auxiliary
 * processes) changes into its data directory, so this finds exactly the cluster's own
 * processes, orphans of a killed postmaster included.
 */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) found.push(Number(entry));
    } catch {
      // Ended while we looked, or not ours to inspect.
    }
  }
  return found;
}

/**
 * A redis-server of the test's own on a spare port, persisting every write before it answers
 * (`appendonly yes`, `appendfsync always`): a write Redis acknowledged is on disk, so a
 * SIGKILL and a restart on the same directory must give it back. That is what makes "no
 * acknowledged session or epoch is lost" a meaningful promise to test.
 */
export interface OwnRedis {
  readonly port: number;
  /** The server's pid right now (it changes on restart). */
  pid(): number;
  /** SIGKILL by pid; resolves once the port is closed. */
  kill(): Promise<void>;
  /** Starts it again on the same directory (it replays its append-only file). */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its connections open and stops answering. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** Stops the server (if running) and removes its directory. Never throws. */
  stop(): Promise<void>;
}

const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always', '--appenddirname', 'aof'];

/** Whether redis-server can be run here (skip on a laptop, an error under CI=true). */
export const ownRedisPossible = requireRedisBinaries;

export async function startOwnRedis(port: number): Promise<OwnRedis> {
  const dir = await makeServerDir('reliability-redis');
  let pid = 0;
  const launch = async (): Promise<void> => {
    pid = await launchRedis(port, dir, DURABLE);
    started.add(pid);
  };
  try {
    await launch();
  } catch (error) {
    await removeServerDir(dir);
    throw error;
  }
  return {
    port,
    pid: () => pid,
    async kill() {
      signal(pid, 'SIGKILL');
      await waitForPort(port, false);
      await waitUntil(() => !alive(pid), 5_000, `redis-server ${pid} exiting`);
      started.delete(pid);
    },
    restart: launch,
    freeze: () => void signal(pid, 'SIGSTOP'),
    thaw: () => void signal(pid, 'SIGCONT'),
    async stop() {
      if (pid !== 0 && alive(pid)) {
        signal(pid, 'SIGCONT');
        await stopRedis(pid, port).catch(() => signal(pid, 'SIGKILL'));
      }
      started.delete(pid);
      await removeServerDir(dir);
    },
  };
}

/** A PostgreSQL cluster of the test's own (initdb into a temporary directory). */
export interface OwnPostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  /** The postmaster's pid right now. */
  pid(): number;
  /**
   * SIGKILL to the postmaster and every child of it, by pid: a crash. The restart replays
   * the write-ahead log, so every commit PostgreSQL acknowledged (fsync and
   * synchronous_commit on) comes back.
   */
  kill(): Promise<void>;
  /** `pg_ctl start` on the same data directory (crash recovery included). */
  restart(): Promise<void>;
  /** SIGSTOP to every process of the cluster: connections stay open, nothing answers. */
  freeze(): void;
  /** SIGCONT to the processes {@link freeze} stopped. */
  thaw(): void;
  /** Stops the cluster (immediate mode) and removes its directory. Never throws. */
  stop(): Promise<void>;
}

/** The binaries of the newest PostgreSQL installed the Debian way, or undefined. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

/**
 * Whether a PostgreSQL cluster can be created here: initdb and pg_ctl installed, and either
 * not root or a `postgres` user to run them as (initdb refuses root). On a laptop without
 * them the fault suite is skipped with a message; under CI=true it is an error.
 */
export async function ownPostgresPossible(): Promise<boolean> {
  let reason: string | undefined;
  if (postgresBin() === undefined) reason = 'PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed';
  else if (process.getuid?.() === 0) {
    try {
      await run('id', ['-u', 'postgres']);
    } catch {
      reason = 'running as root and there is no postgres user to run initdb as';
    }
  }
  if (reason === undefined) return true;
  if (process.env['CI'] === 'true') throw new Error(`${reason}, and CI=true: the PostgreSQL fault suite must run in CI.`);
  console.warn(`${reason}: skipping the suite that starts its own PostgreSQL.`);
  return false;
}

export async function startOwnPostgres(port: number): Promise<OwnPostgres> {
  const bin = postgresBin()!;
  if (await portOpen(port, '127.0.0.1', 300)) throw new Error(`127.0.0.1:${port} is already in use; free it to run this suite.`);
  const dir = await makeServerDir('reliability-pg');
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const as = (command: string, args: string[]): Promise<{ stdout: string }> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 60_000 }) : run(command, args, { timeout: 60_000 });
  let pid = 0;
  let frozen: number[] = [];
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=on',
    '-c synchronous_commit=on',
    '-c max_connections=80',
    '-c shared_buffers=16MB',
  ].join(' ');
  const launch = async (): Promise<void> => {
    await as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    started.add(pid);
    await waitForPort(port, true);
  };
  const stop = async (): Promise<void> => {
    for (const member of frozen) signal(member, 'SIGCONT');
    if (pid !== 0 && alive(pid)) {
      await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop']).catch(() => undefined);
    }
    for (const left of processesIn(data)) signal(left, 'SIGKILL');
    started.delete(pid);
    await removeServerDir(dir);
  };
  try {
    await as(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await launch();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => pid,
    async kill() {
      signal(pid, 'SIGKILL');
      // Its children would notice the postmaster's death by themselves, but a restart must not
      // find one still attached to the old shared memory: they go too, by pid.
      await waitUntil(
        () => {
          const left = processesIn(data);
          for (const child of left) signal(child, 'SIGKILL');
          return left.length === 0;
        },
        10_000,
        `PostgreSQL ${pid} and its children exiting`,
      );
      await waitForPort(port, false);
      started.delete(pid);
    },
    restart: launch,
    freeze() {
      frozen = processesIn(data);
      for (const member of frozen) signal(member, 'SIGSTOP');
    },
    thaw() {
      for (const member of frozen) signal(member, 'SIGCONT');
      frozen = [];
    },
    stop: () => stop().catch(() => undefined),
  };
}
