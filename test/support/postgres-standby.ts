import { execFile } from 'node:child_process';
import { access, chown, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeServerDir, removeServerDir, waitForPort } from './redis-server.js';
import { portOpen } from './services.js';

const run = promisify(execFile);

/** Where `initdb`, `pg_ctl` and `pg_basebackup` are: `$PG_BIN`, `pg_config --bindir`, or the newest `/usr/lib/postgresql/<version>/bin`. */
async function findPostgresBin(): Promise<string | undefined> {
  const candidates: string[] = [];
  if (process.env['PG_BIN'] !== undefined) candidates.push(process.env['PG_BIN']);
  candidates.push(await run('pg_config', ['--bindir'], { timeout: 5_000 }).then(({ stdout }) => stdout.trim(), () => ''));
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  candidates.push(...versions.sort((a, b) => Number(b) - Number(a)).map((version) => `/usr/lib/postgresql/${version}/bin`));
  for (const dir of candidates.filter((candidate) => candidate !== '')) {
    const found = await Promise.all(['initdb', 'pg_ctl', 'pg_basebackup'].map((name) => access(join(dir, name)).then(() => true, () => false)));
    if (found.every(Boolean)) return dir;
  }
  return undefined;
}

/**
 * The PostgreSQL server binaries, for suites that start servers of their own. Like `requireService`: on a laptop without them
 * the suite is skipped with a message; under `CI=true` their absence is an error.
 */
export async function requirePostgresBinaries(): Promise<string | undefined> {
  const bin = await findPostgresBin();
  if (bin !== undefined) return bin;
  const message = 'the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not found (set PG_BIN to their directory)';
  if (process.env['CI'] === 'true') throw new Error(`${message}, and CI=true: the suites that start their own PostgreSQL must run in CI.`);
  console.warn(`${message}: skipping the suites that start their own PostgreSQL.`);
  return undefined;
}

/** A primary and a streaming standby of it, on 127.0.0.1, started by this test process. */
export interface PostgresPair {
  readonly primaryPort: number;
  readonly standbyPort: number;
  /** Promotes the standby and waits until it accepts writes. */
  promote(): Promise<void>;
  /** Whether the standby's log holds `text` (the server logs every statement it refuses). */
  standbyLogHas(text: string): Promise<boolean>;
  /** Stops both servers (by pid) and removes their files; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `initdb`s a primary on `primaryPort`, `pg_basebackup -R`s a standby of it on `standbyPort`, starts both (trust auth, user
 * `postgres`, TCP on 127.0.0.1 only, no Unix socket). As root the servers run as the `postgres` user, since `initdb` refuses root.
 * Refuses a port already in use. What it started is stopped again when it fails.
 */
export async function startPostgresPair(bin: string, primaryPort: number, standbyPort: number): Promise<PostgresPair> {
  for (const port of [primaryPort, standbyPort]) {
    if (await portOpen(port, '127.0.0.1', 300)) throw new Error(`127.0.0.1:${port} is already in use; free it to run this suite.`);
  }
  const root = process.getuid?.() === 0;
  const owner = root ? await run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : undefined;
  const group = root ? await run('id', ['-g', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : undefined;
  const asOwner = { timeout: 60_000, ...(owner === undefined ? {} : { uid: owner, gid: group }) };
  const tool = (name: string, args: readonly string[]) => run(join(bin, name), args, asOwner);
  const dir = await makeServerDir('pg-standby');
  if (owner !== undefined && group !== undefined) await chown(dir, owner, group);
  const primary = join(dir, 'primary');
  const standby = join(dir, 'standby');
  const pids: number[] = [];
  const start = async (data: string, port: number): Promise<void> => {
    await tool('pg_ctl', ['-D', data, '-l', `${data}.log`, '-w', '-t', '30', '-o', `-p ${port} -k '' -c listen_addresses=127.0.0.1`, 'start']);
    pids.push(Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]));
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const [index, pid] of pids.entries()) await stopServer(pid, index === 0 ? primaryPort : standbyPort);
    await removeServerDir(dir);
  };
  try {
    await tool('initdb', ['-A', 'trust', '-U', 'postgres', '-D', primary]);
    await start(primary, primaryPort);
    await tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standby, '-R']);
    await start(standby, standbyPort);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    primaryPort,
    standbyPort,
    promote: async () => void (await tool('pg_ctl', ['-D', standby, '-w', '-t', '30', 'promote'])),
    standbyLogHas: async (text) => (await readFile(`${standby}.log`, 'utf8').catch(() => '')).includes(text),
    stop,
  };
}

/** Fast shutdown of one server this process started, by its pid; killed if it is still there after 10 s. */
async function stopServer(pid: number, port: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
  await waitForPort(port, false);
}
