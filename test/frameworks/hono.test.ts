import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { Hono as OldestHono } from 'hono-oldest';
import { cors } from 'hono/cors';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { sessionMiddleware } from '../../adapters/hono/index.js';
import { describeFrameworkConformance, type FrameworkApp } from '../../src/testing/index.js';
import { honoSuiteApp } from './hono-suite-app.js';
import { vitestRunner } from '../runner.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, SessionError } from '../../src/index.js';

function start(app: Hono): Promise<FrameworkApp> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}

// Also on the oldest Hono the peer range allows (typed as the installed one: what differs is the runtime).
for (const [name, HonoApp] of [['hono', Hono], ['hono 4.7.7', OldestHono as unknown as typeof Hono]] as const) {
  describeFrameworkConformance(name, (context) => start(honoSuiteApp(HonoApp, context, getConnInfo, true)), { runner: vitestRunner });
}

describe('hono: the 503 for a store failure a handler throws', () => {
  it("replaces the app.onError page: its Cache-Control and Content-Type do not stay on the 503, a CORS middleware's headers do", async () => {
    const app = new Hono();
    app.use(cors({ origin: 'https://app.example', credentials: true }));
    app.use(sessionMiddleware(createSessionManager()));
    app.get('/', () => {
      throw new SessionError('STORE_UNAVAILABLE', 'down');
    });
    app.onError((_error, c) => c.text('oops', 500, { 'cache-control': 'public, max-age=60' }));
    const served = await start(app);
    onTestFinished(() => served.close());
    const response = await fetch(served.url, { redirect: 'manual', headers: { origin: 'https://app.example' } });
    expect([response.status, response.headers.get('cache-control'), response.headers.get('content-type')]).toEqual([503, 'no-store', 'application/json; charset=utf-8']);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});

describe('hono: a handler that throws on the request that rotates the cookie', () => {
  it("the 500 carries the new cookie whatever was thrown: an Error, another realm's, or a value that is not one", async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
    const rotation = { rotateAfter: 3_600_000, rotationGrace: 60_000 };
    const sessions = createSessionManager({ clock: () => clock.now, kinds: { remember: rotation } });
    const app = new Hono();
    app.use(sessionMiddleware(sessions));
    const thrown: Record<string, () => unknown> = { error: () => new Error('x'), realm: () => new (runInNewContext('Error') as ErrorConstructor)('x'), text: () => 'x' };
    app.get('/:kind', (c) => {
      throw thrown[c.req.param('kind')]!();
    });
    app.onError((_error, c) => c.text('failed', 500));
    const served = await start(app);
    onTestFinished(() => served.close());
    const answers: unknown[] = [];
    for (const kind of Object.keys(thrown)) {
      const { token } = await sessions.create({ userId: 'alice', kind: 'remember' });
      clock.now += rotation.rotateAfter;
      const response = await fetch(`${served.url}/${kind}`, { headers: { cookie: `session=${token}` } });
      answers.push([kind, response.status, response.headers.getSetCookie().length]);
    }
    expect(answers).toEqual([
      ['error', 500, 1],
      ['realm', 500, 1],
      ['text', 500, 1],
    ]);
  });
});
