import { request as httpRequest, type IncomingMessage } from 'node:http';
import { text } from 'node:stream/consumers';
import { parseJson } from '../../parse-json.js';
import { BROWSERS, Device, NAVIGATION, NOT_SNIFFED, NOT_STORED } from './client.js';
import { intercepted } from '../store/fixtures.js';
import type { FrameworkSuiteContext } from './context.js';

/** Requests without a session: 401 JSON for API calls, a relative redirect for page navigations. */
export function describeAnonymous({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('anonymous requests', () => {
    it('an API call gets 401 JSON "unauthenticated", not cached, no cookie set', async () => {
      const headers = { 'content-type': /^application\/json/, ...NOT_STORED, ...NOT_SNIFFED };
      expectReply(await scenario().request('/api/me'), 401, { json: { error: 'unauthenticated' }, headers, cookies: 0 });
    });

    it('a page navigation gets a relative 303 to the login page keeping next', async () => {
      expectReply(await scenario().request('/dashboard?tab=2', { headers: NAVIGATION }), 303, { headers: { location: '/login?next=/dashboard%3Ftab%3D2', 'cache-control': 'no-store' } });
      expectReply(await scenario().request('/dashboard', { method: 'HEAD', headers: NAVIGATION }), 303, { headers: { location: '/login?next=/dashboard' } });
    });

    it('the redirect is never built from Host or X-Forwarded-Host', async () => {
      const reply = await scenario().request('/dashboard', { headers: { ...NAVIGATION, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } });
      expectReply(reply, 303, { headers: { location: '/login?next=/dashboard' } });
      expect(reply.headers.get('location') ?? '').not.toContain('evil');
    });

    it('a request that prefers JSON is an API call even from a browser', async () => {
      expectReply(await scenario().request('/dashboard', { headers: { accept: 'application/json' } }), 401, { json: { error: 'unauthenticated' } });
    });

    it('a request whose body is still arriving when a signed-in one is answered stays anonymous: no session carries over', async () => {
      // A well-shaped cookie of no session: once the store has answered its read, the middleware is done within the same microtasks.
      const ghost = `${'g'.repeat(22)}.${'s'.repeat(43)}`;
      let read!: () => void;
      const ghostRead = new Promise<void>((resolve) => (read = resolve));
      const { url } = await scenario().appOver((store) =>
        intercepted(store, (method, call, args) => {
          const answer = call();
          if (method === 'get' && args[0] === ghost.slice(0, 22)) void (answer as Promise<unknown>).then(read, read);
          return answer;
        }),
      );
      const alice = new Device(url, BROWSERS.chromeMac);
      await alice.signIn('alice');
      const { hostname, port } = new URL(url);
      const body = '{"name":"Mallory"}';
      const headers = { 'content-type': 'application/json', 'content-length': String(body.length), accept: 'application/json', cookie: `session=${ghost}` };
      const slow = httpRequest({ host: hostname, port, path: '/account', method: 'POST', headers });
      const answered = new Promise<IncomingMessage>((resolve, reject) => slow.on('response', resolve).on('error', reject));
      // The headers and part of the body: the session middleware runs, the app's body parser waits for the rest.
      slow.write(body.slice(0, 5));
      await ghostRead;
      expect((await alice.request('/api/me')).status).toBe(200);
      slow.end(body.slice(5));
      const reply = await answered;
      expect([reply.statusCode, parseJson(await text(reply))]).toEqual([401, { error: 'unauthenticated' }]);
    });

    it('public routes still answer, with nobody signed in', async () => {
      expectReply(await scenario().request('/api/public'), 200, { json: { userId: null, status: 'anonymous' } });
    });
  });
}
