import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The Next.js example (`examples/next-app`) for its browser test: installed from its own
 * lockfile when its node_modules are missing, built with `next build` when its sources (or the
 * library's build it imports) differ from those of its last build, then served by `next start`
 * on an ephemeral port of 127.0.0.1. Next.js stays out of the library's own dependencies.
 */
const root = resolve(import.meta.dirname, '../../..');
export const NEXT_APP = join(root, 'examples', 'next-app');
const NEXT_BIN = join(NEXT_APP, 'node_modules', 'next', 'dist', 'bin', 'next');
const SOURCES = ['app', 'lib', 'middleware.ts', 'next.config.mjs', 'tsconfig.json', 'package-lock.json'];
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_IGNORE_INCORRECT_LOCKFILE: '1' };

/** Every file under `path` (or `path` itself), in a stable order. */
function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

// By content, not dates: `npm test` rebuilds the library before the browser tests, which
// changes every date in dist/ and nothing else.
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const file of [...SOURCES.map((name) => join(NEXT_APP, name)), join(root, 'dist')].flatMap(filesUnder)) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function run(command: string, args: readonly string[], cwd: string, timeout: number): void {
  execFileSync(command, args, { cwd, env: ENV, stdio: ['ignore', 'inherit', 'inherit'], timeout });
}

/** Installs and builds the example when needed (the library's build first, when missing). */
export function prepareNextApp(): void {
  if (!existsSync(join(root, 'dist', 'fetch.js'))) run('npx', ['tsup'], root, 120_000);
  // `npm install --no-save` from the lockfile rather than `npm ci`, which refuses a lockfile
  // without the other platforms' optional SWC binaries (a registry mirror may not carry them).
  if (!existsSync(NEXT_BIN)) run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--engine-strict'], NEXT_APP, 300_000);
  const stamp = join(NEXT_APP, '.next', 'sources.sha256');
  const sources = fingerprint();
  const built = existsSync(join(NEXT_APP, '.next', 'BUILD_ID')) && existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined;
  if (built === sources) return;
  run(process.execPath, [NEXT_BIN, 'build'], NEXT_APP, 420_000);
  writeFileSync(stamp, sources);
}

/** A running `next start`. */
export interface RunningNextApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the built example on 127.0.0.1, a port the system picks; resolves once it listens. */
export function startNextApp(): Promise<RunningNextApp> {
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: NEXT_APP,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    // Bounded: a server that ignores SIGTERM is killed after 5 s.
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  let output = '';
  return new Promise((resolveStarted, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`next start did not report its address within 60 s:\n${output}`));
    }, 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null && /Ready in/.test(output)) {
        clearTimeout(timer);
        resolveStarted({ url: match[1]!, close });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`next start exited (${code}) before it was ready:\n${output}`));
    });
  });
}
