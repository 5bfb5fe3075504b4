import { BROWSERS, sendExact } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/**
 * Other spellings of a path that a router, a proxy or a browser may read as the same route: one for each way routers differ (slashes, case,
 * percent-decoding, dot segments, a NUL). Which of them the session routes take is tested in test/http.
 */
function spellings(path: string): string[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.length === 0 ? '' : `/${rest.join('/')}`;
  return [
    `/${path}`,
    path.toUpperCase(),
    `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`,
    `${path}/`,
    `${path}//`,
    `/x/..${path}`,
    `${path}%00`,
    ...(rest.length === 0 ? [] : [`/${first}%2F${rest.join('/')}`, `/${first}//${rest.join('/')}`]),
  ];
}

const PROTECTED = ['/api/me', '/dashboard', '/sessions'];

/** Route guards hold for every spelling of a protected path, whatever the router makes of it. */
export function describePathVariants({ describe, it, expect, scenario }: FrameworkSuiteContext): void {
  describe('protected routes under other spellings of their path', () => {
    const refused = async (path: string, method: string, cookie?: string) => {
      const headers = { 'user-agent': BROWSERS.chromeMac, accept: 'application/json', ...(cookie === undefined ? {} : { cookie }) };
      const reply = await sendExact(scenario().url, path, { method, headers });
      return { path, status: reply.status, leaked: reply.status >= 200 && reply.status < 300 };
    };
    // What answered 2xx among every spelling of `paths`, sent with each of `cookies`.
    const leaks = async (paths: readonly string[], method: string, cookies: ReadonlyArray<string | undefined> = [undefined]) => {
      const leaked = [];
      for (const variant of paths.flatMap((path) => [path, ...spellings(path)])) {
        for (const cookie of cookies) {
          const result = await refused(variant, method, cookie);
          if (result.leaked) leaked.push(result);
        }
      }
      return leaked;
    };

    it('answer no request without a session', async () => {
      expect(await leaks(PROTECTED, 'GET')).toEqual([]);
    });

    it('sign out no device without a session, and never another user\'s device', async () => {
      const alice = await scenario().signedIn('alice');
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      expect(await leaks([`/sessions/${bob.sessionId!}`], 'DELETE', [undefined, `session=${alice.token!}`])).toEqual([]);
      expect((await bob.request('/api/me')).status).toBe(200);
    });
  });
}
