import { spawn, type ChildProcess } from 'node:child_process';
import { NEXT_APP, NEXT_BIN, NEXT_ENV } from './next-app-build.mjs';

/**
 * The Next.js example (`examples/next-app`) for its browser test: installed and built by
 * `prepareNextApp` (in next-app-build.mjs, which `npm test` runs ahead), then served by
 * `next start` on an ephemeral port of 127.0.0.1. Next.js stays out of the library's own
 * dependencies.
 */
export { NEXT_APP, prepareNextApp } from './next-app-build.mjs';

/** A running `next start`. */
export interface RunningNextApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the built example on 127.0.0.1, a port the system picks; resolves once it listens. */
export function startNextApp(): Promise<RunningNextApp> {
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: NEXT_APP,
    env: NEXT_ENV,
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
