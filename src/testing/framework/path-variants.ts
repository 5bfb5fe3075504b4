import { BROWSERS, sendExact } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** Other spellings of a path that a router, a proxy or a browser may read as the same route. */
function spellings(path: string): string[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.length === 0 ? '' : `/${rest.join('/')}`;
  const encodedFirstLetter = `%${first.charCodeAt(0).toString(16)}${first.slice(1)}`;
  return [
    `/${path}`,
    `//${path}`,
    path.toUpperCase(),
    `/${first[0]!.toUpperCase()}${first.slice(1)}${tail}`,
    `/${encodedFirstLetter}${tail}`,
    `/${encodedFirstLetter.toUpperCase()}${tail}`,
    `${path}/`,
    `${path}//`,
    `/.${path}`,
    `/x/..${path}`,
    `/%2e${path}`,
    `${path};x`,
    `${path}%00`,
    `${path}%20`,
    ...(rest.length === 0 ? [] : [`/${first}%2F${rest.join('/')}`, `/${first}%2f${rest.join('%2f')}`, `/${first}//${rest.join('/')}`, `/${first}/./${rest.join('/')}`]),
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

    it('answer no request with a revoked session', async () => {
      const laptop = await scenario().signedIn('alice');
      const cookie = `session=${laptop.token!}`;
      expect((await refused('/api/me', 'GET', cookie)).leaked).toBe(true);
      await scenario().sessions.revokeAll('alice');
      expect(await leaks(PROTECTED, 'GET', [cookie])).toEqual([]);
    });

    it('sign out no device without a session, and never another user\'s device', async () => {
      const alice = await scenario().signedIn('alice');
      const bob = await scenario().signedIn('bob', BROWSERS.firefoxWindows);
      expect(await leaks([`/sessions/${bob.sessionId!}`], 'DELETE', [undefined, `session=${alice.token!}`])).toEqual([]);
      expect((await bob.request('/api/me')).status).toBe(200);
    });
  });
}
