import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import express, { type Request, type Response } from 'express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireSession, sessionMiddleware } from '../../adapters/express/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { listen } from './listen.js';

// `req.sessions` as the app sees it wherever Express puts the request: mounted apps, apps
// without the middleware in the same process, apps that assign it themselves, plain Node.

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const app = await listen(createServer(handler));
  opened.push(app);
  return app.url;
}

async function signIn(url: string, userId: string): Promise<string> {
  const response = await fetch(`${url}/login?user=${userId}`, { method: 'POST', headers: { origin: url } });
  expect(response.status).toBe(200);
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

const json = async (url: string, cookie?: string): Promise<unknown> => {
  const response = await fetch(url, cookie === undefined ? {} : { headers: { cookie } });
  return response.json();
};

function withLogin(app: express.Express): express.Express {
  app.post('/login', async (req, res) => {
    await req.sessions.signIn({ userId: String(req.query['user']) });
    res.json({ ok: true });
  });
  return app;
}

const me = (req: Request, res: Response) => res.json({ userId: req.sessions.userId, status: req.sessions.status });

describe('express: req.sessions', () => {
  let sessions: SessionManager;

  it('is each request’s own, also when requests of two users interleave', async () => {
    sessions = createSessionManager();
    const app = withLogin(express().use(sessionMiddleware(sessions)));
    app.get('/slow', requireSession(), async (req, res) => {
      const before = req.sessions.userId;
      await new Promise((resolve) => setTimeout(resolve, Number(req.query['wait'])));
      res.json({ before, after: req.sessions.userId });
    });
    const url = await serve(app);
    const [ada, bob] = [await signIn(url, 'ada'), await signIn(url, 'bob')];
    const answers = await Promise.all([
      json(`${url}/slow?wait=60`, ada),
      json(`${url}/slow?wait=0`, bob),
      json(`${url}/slow?wait=30`, ada),
    ]);
    expect(answers).toEqual([
      { before: 'ada', after: 'ada' },
      { before: 'bob', after: 'bob' },
      { before: 'ada', after: 'ada' },
    ]);
  });

  it('is there in a mounted app, and in the parent again after it', async () => {
    sessions = createSessionManager();
    const admin = express();
    admin.get('/me', me);
    // Falls through: the parent's next route runs after Express has left the mounted app.
    admin.use((_req, _res, next) => next());
    const app = withLogin(express().use(sessionMiddleware(sessions)));
    app.use('/admin', admin);
    app.get('/admin/after', me);
    const url = await serve(app);
    const cookie = await signIn(url, 'ada');
    expect(await json(`${url}/admin/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
    expect(await json(`${url}/admin/after`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
    expect(await json(`${url}/admin/me`)).toEqual({ userId: null, status: 'anonymous' });
  });

  it('stays set in the parent when the middleware runs inside a mounted app', async () => {
    sessions = createSessionManager();
    const inner = withLogin(express().use(sessionMiddleware(sessions)));
    const app = express();
    app.use('/app', inner);
    app.get('/app/me', me);
    const url = await serve(app);
    const cookie = await signIn(`${url}/app`, 'ada');
    expect(await json(`${url}/app/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
  });

  it('is not added to another app in the same process', async () => {
    sessions = createSessionManager();
    const url = await serve(withLogin(express().use(sessionMiddleware(sessions))).get('/me', me));
    const cookie = await signIn(url, 'ada');
    expect(await json(`${url}/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
    const other = express().get('/probe', (req, res) => {
      res.json({ present: 'sessions' in req, value: (req as { sessions?: unknown }).sessions ?? null });
    });
    expect(await json(`${await serve(other)}/probe`, cookie)).toEqual({ present: false, value: null });
  });

  it('can be assigned by the app, for that request only', async () => {
    sessions = createSessionManager();
    const app = withLogin(express().use(sessionMiddleware(sessions)));
    app.get('/me', (req, _res, next) => {
      if (req.query['replace'] === '1') req.sessions = { userId: 'replaced', status: 'stubbed' } as unknown as typeof req.sessions;
      next();
    }, me);
    const url = await serve(app);
    const cookie = await signIn(url, 'ada');
    expect(await json(`${url}/me?replace=1`, cookie)).toEqual({ userId: 'replaced', status: 'stubbed' });
    expect(await json(`${url}/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
  });

  it('is set after a validation that waits for the store (a touch due)', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    sessions = createSessionManager({ clock: () => now, touchInterval: 1_000 });
    const url = await serve(withLogin(express().use(sessionMiddleware(sessions))).get('/me', me));
    const cookie = await signIn(url, 'ada');
    now += 5_000;
    expect(await json(`${url}/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
    const [listed] = await sessions.list('ada');
    expect(listed?.lastUsedAt).toBe(now);
  });

  it('is set on a plain Node request handed to the middleware', async () => {
    sessions = createSessionManager();
    const middleware = sessionMiddleware(sessions);
    const url = await serve((req, res) => {
      const request = req as unknown as Request;
      middleware(request, res as unknown as Response, () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ own: Object.hasOwn(request, 'sessions'), status: request.sessions.status }));
      });
    });
    expect(await json(url)).toEqual({ own: true, status: 'anonymous' });
  });
});

describe('express: the request and response objects', () => {
  // V8's own test functions, compiled once the flag allows their syntax.
  let hasFastProperties: (object: object) => boolean;
  beforeAll(() => {
    setFlagsFromString('--allow-natives-syntax');
    hasFastProperties = new Function('object', 'return %HasFastProperties(object)') as typeof hasFastProperties;
  });

  type Pair = { req: Request; res: Response };
  /**
   * Serves `app` with a middleware, at the end of what is already there, that holds two requests
   * until both arrived and hands them to `inspect` at the same point; returns what it returned.
   */
  async function heldTogether(app: express.Express, inspect: (first: Pair, second: Pair) => unknown): Promise<unknown> {
    const held: (Pair & { next: () => void })[] = [];
    let seen: unknown;
    app.use((req, res, next) => {
      held.push({ req, res, next });
      if (held.length < 2) return;
      seen = inspect(held[0]!, held[1]!);
      for (const { next: go } of held.splice(0)) go();
    });
    app.get('/held', (_req, res) => res.json({ ok: true }));
    const url = await serve(app);
    const answers = await Promise.all([fetch(`${url}/held`), fetch(`${url}/held`)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    return seen;
  }

  it('are left in the shape Express gives them: the middleware changes no more than an app setting req.sessions itself', async () => {
    const shape = (pair: Pair) => ({ req: hasFastProperties(pair.req), res: hasFastProperties(pair.res) });
    const bySelf = await heldTogether(
      express().use((req, _res, next) => {
        Object.assign(req, { sessions: null });
        next();
      }),
      (first, second) => [shape(first), shape(second)],
    );
    const withLibrary = await heldTogether(express().use(sessionMiddleware(createSessionManager())), (first, second) => [shape(first), shape(second)]);
    expect(withLibrary).toEqual(bySelf);
  });

  it('keep their own properties: only req.sessions is added', async () => {
    const sessions = createSessionManager();
    const middleware = sessionMiddleware(sessions);
    const seen: unknown[] = [];
    const app = express();
    app.use((req, res, next) => {
      const before = { req: Reflect.ownKeys(req), res: Reflect.ownKeys(res) };
      middleware(req, res, (error?: unknown) => {
        seen.push({
          added: { req: Reflect.ownKeys(req).filter((key) => !before.req.includes(key)), res: Reflect.ownKeys(res).filter((key) => !before.res.includes(key)) },
          removed: [...before.req.filter((key) => !Reflect.ownKeys(req).includes(key)), ...before.res.filter((key) => !Reflect.ownKeys(res).includes(key))],
        });
        next(error);
      });
    });
    withLogin(app).get('/me', me);
    const url = await serve(app);
    const cookie = await signIn(url, 'ada');
    seen.length = 0;
    expect(await json(`${url}/me`, cookie)).toEqual({ userId: 'ada', status: 'authenticated' });
    expect(await json(`${url}/me`)).toEqual({ userId: null, status: 'anonymous' });
    const expected = { added: { req: ['sessions'], res: [] }, removed: [] };
    expect(seen).toEqual([expected, expected]);
  });

  it('a request object that refuses new properties (a Proxy whose traps say no) is served as before', async () => {
    const sessions = createSessionManager();
    const middleware = sessionMiddleware(sessions);
    const url = await serve((req, res) => {
      const attached: Record<PropertyKey, unknown> = {};
      // Takes `sessions` (kept apart), refuses anything else.
      const request = new Proxy(req, {
        set: (target, key, value) => (key === 'sessions' ? ((attached[key] = value), true) : false),
        deleteProperty: () => false,
        get: (target, key) => (key === 'sessions' ? attached[key] : Reflect.get(target, key)),
      }) as unknown as Request;
      middleware(request, res as unknown as Response, (error?: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: error === undefined ? null : String(error), status: request.sessions.status, left: Object.getOwnPropertySymbols(req).map(String).filter((name) => name.includes('session-revocation')) }));
      });
    });
    expect(await json(url)).toEqual({ error: null, status: 'anonymous', left: [] });
  });
});
