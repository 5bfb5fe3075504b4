// The gradual switch of docs/migrating-from-express-session.md, as written there: users keep
// their logins through it, and a login ended since (sign out everywhere) does not come back
// from the old store.
import { createServer } from 'node:http';
import express from 'express';
import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { requireSession, sessionErrorHandler, sessionMiddleware } from '../../adapters/express/index.js';
import { createSessionManager } from '../../src/index.js';
import type { FrameworkApp } from '../../src/testing/index.js';
import { UA } from '../support/clock.js';
import { listen } from './listen.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

let app: FrameworkApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/**
 * The old app's login, the documented switch, and two tabs' pages: both read the old session
 * before either signs in, `/held` signs in first and answers once `hold` settles.
 */
async function start(hold: Promise<void>) {
  let loaded = 0;
  let bothLoaded = () => {};
  const loadedPromise = new Promise<void>((resolve) => (bothLoaded = resolve));
  let heldSignedIn = () => {};
  const heldSignedInPromise = new Promise<void>((resolve) => (heldSignedIn = resolve));
  const sessions = createSessionManager();
  const switchedAt = Date.now();
  const server = express();
  server.use(session({ secret: 'old-secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }));
  server.post('/old-login/:userId', (req, res) => {
    req.session.userId = req.params.userId;
    res.end();
  });
  server.use(sessionMiddleware(sessions));
  server.use(async (req, _res, next) => {
    if (req.path !== '/held' && req.path !== '/tab') return next();
    if (++loaded === 2) bothLoaded();
    await loadedPromise;
    if (req.path === '/tab') await heldSignedInPromise;
    next();
  });

  // From the doc, unchanged.
  async function endedSinceSwitch(userId: string): Promise<boolean> {
    for (let before: string | undefined; ; ) {
      const page = await sessions.activity(userId, { limit: 50, before });
      for (const entry of page) {
        if (entry.at < switchedAt) return false;
        if (entry.type === 'user.session_invalidated') return true;
      }
      if (page.length < 50) return false;
      before = page.at(-1)?.id;
    }
  }
  server.use(async (req, res, next) => {
    const oldUserId = req.session.userId;
    if (oldUserId === undefined) return next();
    if (req.sessions.current === null && !(await endedSinceSwitch(oldUserId))) {
      await req.sessions.signIn({ userId: oldUserId });
    } else {
      await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
      res.clearCookie('connect.sid');
    }
    next();
  });

  server.get('/held', requireSession(), async (_req, res) => {
    heldSignedIn();
    await hold;
    res.send('held');
  });
  server.get(['/page', '/tab'], requireSession(), (req, res) => void res.send(`Hello ${req.sessions.userId}`));
  server.post('/sign-out-everywhere', requireSession(), async (req, res) => {
    await req.sessions.signOutEverywhere();
    res.send('out');
  });
  server.use(sessionErrorHandler());
  app = await listen(createServer(server));
  return app.url;
}

/** A browser's cookie jar: the last Set-Cookie of a name wins, a cleared one is dropped. */
function browser(url: string, userAgent: string) {
  const jar = new Map<string, string>();
  const apply = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(attributes.join(';'))) jar.delete(name);
      else jar.set(name, pair);
    }
    return response;
  };
  const send = (method: string, path: string) =>
    fetch(url + path, {
      method,
      redirect: 'manual',
      headers: { cookie: [...jar.values()].join('; '), 'user-agent': userAgent, accept: 'text/html', origin: url },
    });
  return { jar, apply, send, request: async (method: string, path: string) => apply(await send(method, path)) };
}

describe('migrating from express-session: the gradual switch', () => {
  it('two tabs restored at once keep the login, whichever answer the browser keeps last', async () => {
    let release = () => {};
    const url = await start(new Promise<void>((resolve) => (release = resolve)));
    const laptop = browser(url, UA.chromeMac);
    await laptop.request('POST', '/old-login/ada');
    // Both tabs send the old cookie; the held one signed in first, and its answer arrives last.
    const held = laptop.send('GET', '/held');
    const page = await laptop.send('GET', '/tab');
    release();
    laptop.apply(page);
    laptop.apply(await held);
    const next = await laptop.request('GET', '/page');
    const after = await laptop.request('GET', '/page');
    expect([next.status, next.headers.get('location'), await after.text(), laptop.jar.has('connect.sid')]).toEqual([200, null, 'Hello ada', false]);
  });

  it('after "sign out everywhere", a device still on the old cookie is signed out', async () => {
    const url = await start(Promise.resolve());
    const laptop = browser(url, UA.chromeMac);
    const phone = browser(url, UA.firefoxWindows);
    await laptop.request('POST', '/old-login/ada');
    await phone.request('POST', '/old-login/ada');
    await laptop.request('GET', '/page');
    expect((await laptop.request('POST', '/sign-out-everywhere')).status).toBe(200);
    const answer = await phone.request('GET', '/page');
    expect([answer.status, answer.headers.get('location')]).toEqual([303, '/login?next=/page']);
  });
});
