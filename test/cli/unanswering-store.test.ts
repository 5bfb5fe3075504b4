import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mysqlUp } from '../support/mysql-database.js';
import { postgresUp } from '../support/postgres-database.js';
import { requireService } from '../support/services.js';
import { cli } from './bin.js';

// A store that stops answering: the command fails (exit 1) with a message, never hangs. The servers are ours, on ports the system picks.
let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise((done) => (server === undefined ? done(undefined) : server.close(done)));
  server = undefined;
});

async function listen(handle: (socket: Socket) => void): Promise<number> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    handle(socket);
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

// Accepts the connection and never answers (a hung server, a stopped process behind a live port).
const silent = (): Promise<number> => listen(() => {});

// Forwards to the real store until a request names the store's tables or keys, then goes silent (a failover, a partition dropping packets).
const stalling = (target: number, marker: string): Promise<number> =>
  listen((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('error', () => {});
    let stalled = false;
    client.on('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').includes(marker)) stalled = true;
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => void (stalled || client.write(chunk)));
  });

const STORES = [
  { name: 'Redis', up: await requireService('Redis', 6379), port: 6379, url: (port: number) => `redis://127.0.0.1:${port}`, marker: 'sr:' },
  { name: 'PostgreSQL', up: await postgresUp(), port: 5432, url: (port: number) => `postgres://postgres@127.0.0.1:${port}/test`, marker: 'session_revocation' },
  { name: 'MySQL', up: await mysqlUp(), port: 3306, url: (port: number) => `mysql://root@127.0.0.1:${port}/test`, marker: 'session_revocation_' },
];

for (const store of STORES) {
  describe(`${store.name}: a store that stops answering`, () => {
    it('that never answered: the command fails with exit 1', async () => {
      const run = await cli(['revoke-user', 'u_42', '--store', store.url(await silent())], { timeout: 40_000 });
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^session-revocation: cannot connect to /);
    }, 60_000);

    it.skipIf(!store.up).each([['list', 'u_42'], ['erase-user', 'u_42', '--yes']])('mid-command (%s): the command fails with exit 1 and exits', async (...command) => {
      expect((await cli(['migrate', '--store', store.url(store.port)])).code).toBe(0);
      const run = await cli([...command, '--store', store.url(await stalling(store.port, store.marker))], { timeout: 40_000 });
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^session-revocation: /);
    }, 60_000);
  });
}
