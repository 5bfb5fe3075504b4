// A PgBouncer in transaction mode for the pooler bench, started as a child process on the first
// free port of 6432-6439 in front of PostgreSQL at 127.0.0.1:5432 (trust auth), config in a
// temporary directory; as root it drops to `nobody` (PgBouncer refuses to run as root).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer';

const portOpen = (port) =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(200, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
  });

/** Starts PgBouncer; resolves `{ url, stop }` or rejects when it cannot. */
export async function startPgBouncer() {
  if (!existsSync(BINARY)) throw new Error(`pgbouncer not found at ${BINARY} (apt-get install pgbouncer)`);
  const directory = mkdtempSync(join(tmpdir(), 'pgbouncer-bench-'));
  chmodSync(directory, 0o755);
  writeFileSync(join(directory, 'userlist.txt'), '"postgres" ""\n', { mode: 0o644 });
  for (let port = 6432; port <= 6439; port++) {
    if (await portOpen(port)) continue;
    const config = join(directory, `pgbouncer-${port}.ini`);
    writeFileSync(
      config,
      `[databases]\ntest = host=127.0.0.1 port=5432 dbname=test user=postgres\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${port}\n` +
        `unix_socket_dir =\nauth_type = trust\nauth_file = ${join(directory, 'userlist.txt')}\npool_mode = transaction\n` +
        `default_pool_size = 10\nmax_client_conn = 500\nignore_startup_parameters = extra_float_digits,options\n`,
      { mode: 0o644 },
    );
    const child = spawn(BINARY, process.getuid?.() === 0 ? ['-u', 'nobody', config] : [config], { stdio: ['ignore', 'ignore', 'pipe'] });
    const up = await new Promise((resolve) => {
      let log = '';
      const timer = setTimeout(() => resolve(false), 5_000);
      child.once('exit', () => (clearTimeout(timer), resolve(false)));
      child.stderr.on('data', (chunk) => {
        log += chunk;
        if (log.includes(`listening on 127.0.0.1:${port}`)) (clearTimeout(timer), resolve(true));
      });
    });
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    };
    if (up) {
      return {
        url: `postgres://postgres@127.0.0.1:${port}/test`,
        stop: async () => {
          await stop();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    }
    await stop();
  }
  rmSync(directory, { recursive: true, force: true });
  throw new Error('could not start pgbouncer on any of ports 6432-6439');
}
