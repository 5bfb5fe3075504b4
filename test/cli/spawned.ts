import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { BIN } from './bin.js';

/** How a spawned run ended: its exit code, or the signal that killed it. */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run of the bin the test talks to while it runs: waits on its stderr and for its end. */
export interface Spawned {
  /** Resolves once stderr holds a match of `pattern` (rejects if the run ends first). */
  stderrMatches(pattern: RegExp): Promise<void>;
  readonly ended: Promise<Ended>;
}

/** Runs the bin with pipes (no TTY); `timeout` kills it (SIGKILL) so a hung run fails the test instead of hanging it. */
export function spawnCli(args: readonly string[], timeout = 30_000): Spawned {
  const env = { ...process.env };
  delete env['SESSION_REVOCATION_STORE'];
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  const waiting = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const check of waiting) check();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const ended = new Promise<Ended>((done) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      for (const check of waiting) check();
      done({ code, signal, stdout, stderr });
    }),
  );
  return {
    ended,
    stderrMatches: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stderr)) return void (waiting.delete(check), resolve());
          if (child.exitCode !== null || child.signalCode !== null) {
            waiting.delete(check);
            reject(new Error(`the run ended before stderr matched ${pattern}: ${JSON.stringify(stderr)}`));
          }
        };
        waiting.add(check);
        check();
      }),
  };
}

/**
 * A proxy in front of a real store that forwards everything until it is armed; armed, the first chunk the client sends that
 * `holds` is kept back (with everything after it on that connection), which `arm` resolves on; `fail()` closes that connection
 * (a store gone away). A client closing closes its upstream, as a real server sees it.
 */
export interface HoldingProxy {
  readonly port: number;
  arm(holds: (chunk: string) => boolean): Promise<void>;
  fail(): void;
  close(): Promise<void>;
}

export async function holdingProxy(target: number): Promise<HoldingProxy> {
  const sockets = new Set<Socket>();
  let armed: { holds: (chunk: string) => boolean; seen: () => void } | undefined;
  let holding: { client: Socket; upstream: Socket } | undefined;
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (chunk: Buffer) => {
      if (holding?.client === client) return;
      if (armed !== undefined && holding === undefined && armed.holds(chunk.toString('latin1'))) {
        holding = { client, upstream };
        return armed.seen();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => void client.write(chunk));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    arm: (holds) => new Promise<void>((seen) => (armed = { holds, seen })),
    fail: () => void (holding?.client.destroy(), holding?.upstream.destroy()),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
