import { Socket } from 'node:net';

/** Whether a TCP port answers on 127.0.0.1 within `timeoutMs`. */
export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Decides whether a suite that needs a real server runs. On a developer laptop without the
 * server it is skipped with a message; under `CI=true` a missing server is an error, because
 * a skipped adapter suite in CI is a red build.
 *
 * Use with top-level await: `const redisUp = await requireService('Redis', 6379);` then
 * `describe.skipIf(!redisUp)(...)`.
 */
export async function requireService(name: string, port: number, host = '127.0.0.1'): Promise<boolean> {
  if (await portOpen(port, host)) return true;
  const message = `${name} is not reachable on ${host}:${port}`;
  if (process.env['CI'] === 'true') throw new Error(`${message}, and CI=true: adapter suites must run in CI.`);
  console.warn(`${message}: skipping its suite (start it to run these tests).`);
  return false;
}
