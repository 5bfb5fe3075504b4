import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { fromNodeRequest } from '../../src/http/index.js';
import { FRAMEWORKS, serveApp } from '../frameworks/five-apps.js';

// A client (or a proxy in front) sending Authorization twice: Node.js keeps the first line, a Fetch runtime joins them. Every wrapper
// must read the same value, so a request is not one user's on Express and refused on Hono.
const get = (url: string, lines: readonly string[]) =>
  new Promise<number>((resolve, reject) => {
    const sent = request(`${url}/sessions`, { headers: [...lines.flatMap((line) => ['authorization', line]), 'accept', 'application/json', 'host', new URL(url).host] }, (reply) => {
      reply.resume();
      resolve(reply.statusCode!);
    });
    sent.on('error', reject).end();
  });

let sessions: SessionManager;
beforeAll(() => {
  sessions = createSessionManager({ store: memoryStore() });
});
afterAll(() => sessions.close());

describe.each(FRAMEWORKS)('a repeated Authorization header on %s', (framework) => {
  it('is refused as one malformed credential, whichever line comes first', async () => {
    const app = await serveApp(framework, sessions);
    try {
      const alice = await sessions.create({ userId: 'alice' });
      const mallory = await sessions.create({ userId: 'mallory' });
      expect(await get(app.url, [`Bearer ${alice.token}`])).toBe(200);
      expect(await get(app.url, [`Bearer ${alice.token}`, `Bearer ${mallory.token}`])).toBe(401);
      expect(await get(app.url, [`Bearer ${mallory.token}`, `Bearer ${alice.token}`])).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('fromNodeRequest', () => {
  it('joins the lines of a header Node.js keeps once, as Headers.get() does, and leaves a single line as it is', () => {
    const raw = { headers: { authorization: 'Bearer a', 'user-agent': 'UA' }, rawHeaders: ['Authorization', 'Bearer a', 'authorization', 'Bearer b', 'User-Agent', 'UA'], method: 'GET', url: '/' };
    const node = fromNodeRequest(raw as never);
    const fetched = new Headers([['authorization', 'Bearer a'], ['authorization', 'Bearer b'], ['user-agent', 'UA']]);
    expect([node.header('authorization'), node.header('user-agent'), node.header('host')]).toEqual([fetched.get('authorization'), 'UA', undefined]);
  });
});
