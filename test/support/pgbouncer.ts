import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOpen } from './services.js';

/** A PgBouncer this process started, in transaction mode, in front of the test PostgreSQL. */
export interface PgBouncer {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Connection string of database `test` through it (a pool of 10 server connections). */
  readonly url: string;
  /** Connection string of database `test` through a pool of one server connection. */
  readonly singleConnectionUrl: string;
  /** Stops it (by its pid) and removes its files. */
  stop(): Promise<void>;
}

/** The ports these tests may use for their own PgBouncers. */
const PORTS = [6432, 6433, 6434, 6435, 6436, 6437, 6438, 6439];
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 3_000;

/** Where the binary is: `PGBOUNCER` if set (and only there), else Debian's path. */
function binary(): string | undefined {
  const chosen = process.env['PGBOUNCER'];
  const candidates = chosen === undefined ? ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'] : [chosen];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there: try the next one.
    }
  }
  return undefined;
}

/**
 * Whether the PgBouncer suites run. Without the `pgbouncer` binary they are skipped with a
 * message on a laptop; under `CI=true` that is an error (`.ci/run` installs it).
 */
export function pgBouncerInstalled(): boolean {
  if (binary() !== undefined) return true;
  const message = 'pgbouncer is not installed (apt-get install pgbouncer, or set PGBOUNCER to its path)';
  if (process.env['CI'] === 'true') throw new Error(`${message}, and CI=true: the pooler suites must run in CI.`);
  console.warn(`${message}: skipping the suites that run through a transaction pooler.`);
  return false;
}

/**
 * Starts PgBouncer 1.18+ as a child process with `pool_mode = transaction` and trust auth, in
 * front of PostgreSQL at 127.0.0.1:5432, on the first free port of 6432-6439. Its config lives
 * in a temporary directory. As root it drops to `nobody` (PgBouncer refuses to run as root).
 */
export async function startPgBouncer(): Promise<PgBouncer> {
  const path = binary();
  if (path === undefined) throw new Error('pgbouncer is not installed');
  const directory = await mkdtemp(join(tmpdir(), 'pgbouncer-'));
  // Readable by `nobody` when the tests run as root.
  await chmod(directory, 0o755);
  for (const port of PORTS) {
    if (await portOpen(port, '127.0.0.1', 200)) continue;
    const config = join(directory, `pgbouncer-${port}.ini`);
    await writeFile(config, configText(directory, port), { mode: 0o644 });
    await writeFile(join(directory, 'userlist.txt'), '"postgres" ""\n', { mode: 0o644 });
    const args = process.getuid?.() === 0 ? ['-u', 'nobody', config] : [config];
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (await listening(child, port)) {
      const url = `postgres://postgres@127.0.0.1:${port}/test`;
      return {
        port,
        url,
        singleConnectionUrl: `postgres://postgres@127.0.0.1:${port}/test_single`,
        stop: async () => {
          await stopChild(child);
          await rm(directory, { recursive: true, force: true });
        },
      };
    }
    // Another process took the port first, or this one failed: make sure it is gone, try the next.
    await stopChild(child);
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error(`could not start pgbouncer on any of ports ${PORTS[0]}-${PORTS.at(-1)}`);
}

function configText(directory: string, port: number): string {
  return `[databases]
test = host=127.0.0.1 port=5432 dbname=test user=postgres
test_single = host=127.0.0.1 port=5432 dbname=test user=postgres pool_size=1

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(directory, 'userlist.txt')}
pool_mode = transaction
default_pool_size = 10
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
`;
}

/** Resolves true once the child logs that it listens on `port`, false if it exits or stays silent. */
function listening(child: ChildProcess, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let log = '';
    const done = (up: boolean): void => {
      clearTimeout(timer);
      child.stderr?.removeListener('data', onData);
      child.removeListener('exit', onExit);
      // Keep draining its log so a full pipe never blocks it.
      child.stderr?.resume();
      resolve(up);
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes(`listening on 127.0.0.1:${port}`)) done(true);
    };
    const onExit = (): void => done(false);
    const timer = setTimeout(() => done(false), START_TIMEOUT_MS);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
