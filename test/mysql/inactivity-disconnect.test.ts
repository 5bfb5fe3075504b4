import net from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { isGone } from '../../adapters/mysql/errors.js';
import { isSessionError } from '../../src/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

// MySQL 8.0.24+ ends a connection idle past wait_timeout with an error packet, ER_CLIENT_INTERACTION_TIMEOUT (4031, "The client
// was disconnected by the server because of inactivity"), then closes it. A pool that has not read it yet writes the next statement:
// that statement gets the 4031 packet as its answer. A proxy in front of MariaDB plays the server's part for connections it is told
// to end: at their next COM_QUERY it answers the 4031 packet and closes, as MySQL 8 does.
function inactivityProxy() {
  const open = new Set<net.Socket>();
  const doomed = new WeakSet<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(3306, '127.0.0.1');
    open.add(client);
    const end = () => (open.delete(client), client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      if (doomed.has(client) && chunk[4] === 0x03) {
        const message = Buffer.from('The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.');
        const body = Buffer.concat([Buffer.from([0xff, 4031 & 0xff, 4031 >> 8]), Buffer.from('#HY000'), message]);
        const header = Buffer.from([body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, 1]);
        client.end(Buffer.concat([header, body]));
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
  });
  return {
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    endIdle: () => open.forEach((socket) => doomed.add(socket)),
    close: () => (open.forEach((socket) => socket.destroy()), new Promise((resolve) => server.close(resolve))),
  };
}

describe.skipIf(!up)('mysql store: MySQL 8 ends connections the pool held idle for inactivity (4031)', () => {
  const prefix = freshPrefix('inactive');
  const proxy = inactivityProxy();
  let pool: mysql.Pool;
  beforeAll(async () => {
    const port = await proxy.listen();
    pool = mysql.createPool({ host: '127.0.0.1', port, user: 'root', database: 'test', connectionLimit: 3 });
    await mysqlStore({ pool, prefix }).migrate();
  });
  afterAll(async () => {
    await pool.end();
    await proxy.close();
    const admin = testMysqlPool({ connectionLimit: 1 });
    await dropPrefixes(admin, [prefix]);
    await admin.end();
  });

  it('a read whose served connection the server ended for inactivity is sent again and answered', async () => {
    const store = mysqlStore({ pool, prefix, statementTimeout: 5_000 });
    await Promise.all(Array.from({ length: 3 }, () => store.get('AAAAAAAAAAAAAAAAAAAAAA')));
    proxy.endIdle();
    const answer = await store.get('AAAAAAAAAAAAAAAAAAAAAA').then(
      (record) => `answered ${String(record)}`,
      (error: unknown) => (isSessionError(error) ? `${error.code}: ${error.message}` : String(error)),
    );
    expect(answer).toBe('answered null');
  }, 30_000);

  it('isGone classifies 4031 as a lost connection', () => {
    expect(isGone(Object.assign(new Error('The client was disconnected by the server because of inactivity.'), { errno: 4031, code: 'ER_CLIENT_INTERACTION_TIMEOUT' }))).toBe(true);
  });
});
