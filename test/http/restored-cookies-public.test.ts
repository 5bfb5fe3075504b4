import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionHttp, fromNodeRequest, restoredCookies } from '../../src/http/index.js';
import { createSessionManager } from '../../src/index.js';

// The guide asks a wrapper whose framework runs code after the app's handlers to put back the layer's cookies an app's own
// Set-Cookie replaced; a wrapper outside the package has only the public entry point to do it with.

let close = async (): Promise<void> => undefined;
afterEach(() => close());

describe('session-revocation/http restoredCookies', () => {
  it("is public, so an outside wrapper puts back a sign-in cookie the app's own Set-Cookie replaced", async () => {
    expect(typeof restoredCookies).toBe('function');
    const layer = createSessionHttp(createSessionManager(), { loginPath: '/login' });
    const server = createServer(async (req, res) => {
      const written: string[] = [];
      const target = {
        setHeader: (name: string, value: string) => void res.setHeader(name, value),
        appendSetCookie: (value: string) => {
          written.push(value);
          res.setHeader('set-cookie', [...[res.getHeader('set-cookie') ?? []].flat().map(String), value]);
        },
      };
      const sessions = await layer.attach(fromNodeRequest(req), target);
      await sessions.signIn({ userId: 'ada' });
      res.setHeader('Set-Cookie', 'theme=dark; Path=/'); // the app's handler, replacing every Set-Cookie
      // The wrapper's code after the handler:
      const restored = restoredCookies(written, res.getHeader('set-cookie'));
      if (restored !== undefined) res.setHeader('set-cookie', restored);
      res.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const reply = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const cookies = reply.headers.getSetCookie();
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies[1]).toMatch(/^session=[^;]+;/);
  });
});
