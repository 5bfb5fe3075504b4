import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { portOpen } from './services.js';

const run = promisify(execFile);

/**
 * Whether `redis-server` and `redis-cli` can be run here. Like `requireService`: on a laptop
 * without them the suite is skipped with a message; under `CI=true` their absence is an error.
 */
export async function requireRedisBinaries(): Promise<boolean> {
  try {
    await run('redis-server', ['--version'], { timeout: 5_000 });
    await run('redis-cli', ['--version'], { timeout: 5_000 });
    return true;
  } catch {
    const message = 'redis-server / redis-cli are not installed';
    if (process.env['CI'] === 'true') throw new Error(`${message}, and CI=true: the Redis suites must run in CI.`);
    console.warn(`${message}: skipping the suites that start their own Redis.`);
    return false;
  }
}

/** Polls until `port` is open (or closed), at most `timeoutMs`. */
export async function waitForPort(port: number, open: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await portOpen(port, '127.0.0.1', 200)) === open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`127.0.0.1:${port} did not ${open ? 'open' : 'close'} within ${timeoutMs} ms.`);
}

/** A temporary directory for servers' pid, log and cluster files. */
export function makeServerDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `sr-${label}-`));
}

/** Removes a directory made by {@link makeServerDir}. */
export function removeServerDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Starts a daemonized redis-server on 127.0.0.1:`port`, nothing persisted, and returns its pid
 * once the port answers. Refuses a port already in use rather than talking to someone else's
 * server.
 */
export async function launchRedis(port: number, dir: string, extra: readonly string[] = []): Promise<number> {
  if (await portOpen(port, '127.0.0.1', 300)) throw new Error(`127.0.0.1:${port} is already in use; free it to run this suite.`);
  const pidfile = join(dir, `redis-${port}.pid`);
  await rm(pidfile, { force: true });
  await run(
    'redis-server',
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'yes',
      '--dir', dir,
      '--pidfile', pidfile,
      '--logfile', join(dir, `redis-${port}.log`),
      // Its own file: servers share the directory, and a replica writes there the RDB it syncs.
      // With one name for all, a server started again would load another server's file and
      // resume replication from that file's offset instead of starting empty.
      '--dbfilename', `redis-${port}.rdb`,
      ...extra,
    ],
    { timeout: 10_000 },
  );
  await waitForPort(port, true);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} wrote no pid file.`);
}

/** Stops one server this test process started, by its pid, and waits for its port to close. */
export async function stopRedis(pid: number, port: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return; // Already gone.
  }
  await waitForPort(port, false);
}

/** `redis-cli -p port args...`, its output trimmed. */
export async function redisCli(port: number, args: readonly string[], timeoutMs = 10_000): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: timeoutMs });
  return stdout.trim();
}
