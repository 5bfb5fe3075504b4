import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameworkApp } from '../../src/testing/index.js';

/** Listens on 127.0.0.1 (a free port) and returns the app handle the conformance suite wants. */
export async function listen(server: Server): Promise<FrameworkApp> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
