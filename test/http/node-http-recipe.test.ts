import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionHttp, fromNodeRequest, requireSessionResponse, writeHeaders } from '../../src/http/index.js';
import { createSessionManager } from '../../src/index.js';

// The bare node:http adapter of docs/framework-adapter.md and createSessionHttp's TSDoc, typed.
const appendSetCookieOf = (res: ServerResponse) => (value: string) => res.setHeader('set-cookie', [...[res.getHeader('set-cookie') ?? []].flat().map(String), value]);

const sessions = createSessionManager();
let close = async (): Promise<void> => undefined;
afterEach(() => close());

// An app that sets one array of its own cookies on every response, as a shared constant.
const SHARED_COOKIES = ['theme=dark; Path=/'];

async function start(): Promise<string> {
  const http = createSessionHttp(sessions, { loginPath: '/login' });
  const server = createServer(async (req, res) => {
    res.setHeader('Set-Cookie', SHARED_COOKIES);
    const target = { setHeader: (name: string, value: string) => res.setHeader(name, value), appendSetCookie: appendSetCookieOf(res) };
    const requestSessions = await http.attach(fromNodeRequest(req), target);
    if (req.url === '/login') {
      await requestSessions.signIn({ userId: 'ada' });
      res.end('signed in');
      return;
    }
    const denied = requireSessionResponse(requestSessions);
    if (denied) {
      writeHeaders(denied, target);
      res.writeHead(denied.status).end(denied.body);
      return;
    }
    res.end(`Hello ${requestSessions.userId}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a bare node:http adapter written from the docs', () => {
  it('signs in with its cookie beside the app\'s own, and the next visitor gets only the app\'s', async () => {
    const url = await start();
    const signIn = await fetch(`${url}/login`);
    const cookies = signIn.headers.getSetCookie();
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies).toHaveLength(2);
    expect(cookies[1]).toMatch(/^session=[^;]+;/);
    expect(SHARED_COOKIES).toEqual(['theme=dark; Path=/']);

    const me = await fetch(url, { headers: { cookie: cookies[1]!.split(';')[0]! } });
    expect([me.status, await me.text()]).toEqual([200, 'Hello ada']);
    const stranger = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(stranger.headers.getSetCookie()).toEqual(['theme=dark; Path=/']);
    expect(stranger.status).toBe(303);
  });
});
