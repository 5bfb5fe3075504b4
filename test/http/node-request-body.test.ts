import { once } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromNodeRequest } from '../../src/http/index.js';

// The session routes read a body through fromNodeRequest(); the request stays the framework's.
// Like hapi, this server answers nothing on a request it saw aborted: a client gone.
let server: Server | undefined;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

let outcomes: Array<Promise<string | null>> = [];

afterEach(async () => {
  agent.destroy();
  server?.closeAllConnections();
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
  outcomes = [];
});

async function start(limit: number, paused = false): Promise<number> {
  server = createServer((req, res) => {
    if (paused) req.pause();
    let aborted = false;
    req.once('aborted', () => (aborted = true));
    const reading = fromNodeRequest(req).readBody!(limit);
    outcomes.push(reading);
    reading.then(
      (body) => (aborted ? undefined : res.writeHead(body === null ? 400 : 200).end(body ?? 'too large')),
      () => undefined,
    );
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function post(port: number, body: string): Promise<{ status: number | undefined; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text, socket: sent.socket }));
    });
    sent.setTimeout(5_000, () => sent.destroy(new Error('no answer within 5 s')));
    sent.on('error', reject).end(body);
  });
}

describe('fromNodeRequest(req).readBody(limit)', () => {
  it('answers the body up to the limit', async () => {
    const port = await start(16);
    expect(await post(port, 'logout_token=abc')).toMatchObject({ status: 200, body: 'logout_token=abc' });
  });

  it('answers null past the limit and leaves the request to its framework, which still answers on the same connection', async () => {
    const port = await start(16);
    const first = await post(port, 'x'.repeat(256 * 1024));
    expect([first.status, first.body]).toEqual([400, 'too large']);
    const second = await post(port, 'small');
    expect([second.status, second.body]).toEqual([200, 'small']);
    expect(second.socket).toBe(first.socket);
  });

  it('reads a request its framework paused', async () => {
    const port = await start(16, true);
    expect(await post(port, 'hello')).toMatchObject({ status: 200, body: 'hello' });
  });

  it('answers null as soon as the limit is passed, while the client still sends, and destroys a request a MiB past it', async () => {
    const port = await start(16);
    const arrived = once(server!, 'request') as Promise<[IncomingMessage]>;
    const sent = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': String(64 * 1024 * 1024) } });
    sent.on('error', () => undefined);
    const chunk = 'x'.repeat(64 * 1024);
    // 33 chunks of 64 KiB, each once the last is out, far less than the 64 MiB declared.
    const send = (left: number): void => void (left > 0 && !sent.destroyed && sent.write(chunk, () => send(left - 1)));
    const status = new Promise<number | undefined>((resolve) => sent.on('response', (res) => resolve(res.statusCode)));
    send(33);
    const [req] = await arrived;
    expect(await status).toBe(400);
    await expect(outcomes[0]).resolves.toBeNull();
    if (!req.destroyed) await once(req, 'close');
    expect([req.destroyed, req.complete]).toEqual([true, false]);
  });

  it('rejects when the client goes away mid-body, never waits for ever', async () => {
    const port = await start(1024);
    const arrived = once(server!, 'request');
    const sent = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': '100' } });
    sent.on('error', () => undefined).write('partial');
    await arrived;
    sent.destroy();
    await expect(outcomes[0]).rejects.toThrow();
  });
});
