import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as fetchWrapper from '../../adapters/fetch/index.js';
import { createSessionManager, memoryStore } from '../../src/index.js';
import * as http from '../../src/http/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';

const guide = await readFile(join(resolve(import.meta.dirname, '../..'), 'docs/quick-start-fetch.md'), 'utf8');
const ORIGIN = 'http://localhost:3000';
const PAGE = { accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'same-origin', 'user-agent': UA.chromeMac };

/** The quick start's `app/api/login/route.ts`, its imports given from these sources and `lib/sessions.ts` as the guide writes it. */
function loginRoute(lib: Record<string, unknown>, checkPassword: (form: FormData) => Promise<{ id: string } | undefined>): (request: Request) => Promise<Response> {
  const block = /```ts\n(\/\/ app\/api\/login\/route\.ts\n[\s\S]*?)```/.exec(guide)?.[1];
  if (block === undefined) throw new Error('docs/quick-start-fetch.md has no `// app/api/login/route.ts` block');
  const modules: Record<string, Record<string, unknown>> = { 'session-revocation/fetch': fetchWrapper, 'session-revocation/http': http, '@/lib/sessions': lib };
  const given: Record<string, unknown> = { checkPassword };
  for (const [, names, from] of block.matchAll(/^import \{ ([^}]+) \} from '([^']+)';$/gm)) {
    for (const name of names!.split(',').map((part) => part.trim())) given[name] = modules[from!]![name] ?? (() => { throw new Error(`${from} has no ${name}`); })();
  }
  const code = ts.transpileModule(block.replace(/^import .*$/gm, '').replace('export const POST =', 'return'), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function(...Object.keys(given), code)(...Object.values(given)) as (request: Request) => Promise<Response>;
}

/** The guide's Next.js app around a stale session: its manager on a hand-moved clock, its login route, and a page behind `requireFresh`. */
async function app() {
  const clock = new TestClock();
  const sessions = createSessionManager({ store: memoryStore(), clock: clock.read });
  const seen: string[] = [];
  sessions.on('*', (event) => void seen.push(`${event.type}${'reason' in event && event.type !== 'session.reauthenticated' ? ` ${event.reason}` : ''}`));
  const withSessions = fetchWrapper.sessionHandler(sessions, { loginPath: '/login', secure: false });
  const checkPassword = async (form: FormData) => (form.get('password') === 'correct' ? { id: String(form.get('email')) } : undefined);
  const login = loginRoute({ sessions, withSessions }, checkPassword);
  const settings = withSessions((request) => fetchWrapper.requireFresh(request) ?? new Response('settings'));
  const signedIn = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac });
  clock.advance(11 * MINUTE);
  seen.length = 0;
  const cookie = `session=${signedIn.token}`;
  const post = (path: string, form: Record<string, string>) =>
    login(new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { ...PAGE, origin: ORIGIN, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }));
  return { sessions, seen, settings, post, cookie, sessionId: signedIn.session.id };
}

// With requireFresh a stale session is sent to /login?reauth=1: the login route must make that same session fresh (reauthenticated()), not
// sign in anew, which replaces the device's session (a new id, its open tabs signed out as 'replaced', a sign-in in the user's activity).
describe('docs/quick-start-fetch.md: the Next.js login route and reauth=1', () => {
  it('re-authenticates the session requireFresh sent to the login page, which then passes with the same cookie', async () => {
    const { sessions, seen, settings, post, cookie, sessionId } = await app();
    const stale = await settings(new Request(`${ORIGIN}/account/settings`, { headers: { ...PAGE, cookie } }));
    const location = stale.headers.get('location') ?? '';
    expect({ status: stale.status, location }).toEqual({ status: 303, location: '/login?reauth=1&next=/account/settings' });

    // The login page posts its form to the route with the query it was given.
    const answer = await post(`/api/login${new URL(location, ORIGIN).search}`, { email: 'ada', password: 'correct' });
    const again = await settings(new Request(`${ORIGIN}/account/settings`, { headers: { ...PAGE, cookie } }));
    const devices = (await sessions.list('ada')).map((row) => row.id);
    expect({ status: answer.status, location: answer.headers.get('location'), newCookie: answer.headers.getSetCookie().length, settings: again.status, devices, seen }).toEqual({
      status: 303,
      location: '/account/settings',
      newCookie: 0,
      settings: 200,
      devices: [sessionId],
      seen: ['session.reauthenticated'],
    });
  });

  it('refuses a wrong password on reauth=1, leaving the session stale', async () => {
    const { settings, post, cookie, seen } = await app();
    const answer = await post('/api/login?reauth=1', { email: 'ada', password: 'wrong' });
    const still = await settings(new Request(`${ORIGIN}/account/settings`, { headers: { ...PAGE, cookie } }));
    expect({ status: answer.status, settings: still.status, seen }).toEqual({ status: 401, settings: 303, seen: [] });
  });

  it('signs in anew without reauth=1', async () => {
    const { post, seen } = await app();
    const answer = await post('/api/login?next=/account', { email: 'grace', password: 'correct' });
    expect({ status: answer.status, location: answer.headers.get('location'), cookie: answer.headers.getSetCookie().length, created: seen.includes('session.created sign_in') }).toEqual({
      status: 303,
      location: '/account',
      cookie: 1,
      created: true,
    });
  });
});
