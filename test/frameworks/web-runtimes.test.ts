import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requireSession as fetchRequireSession, sessionHandler, sessionRoutes as fetchRoutes } from '../../adapters/fetch/index.js';
import { sessionMiddleware, sessionRoutes as honoRoutes } from '../../adapters/hono/index.js';
import { createSessionManager, isSessionError } from '../../src/index.js';

const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function refusal(make: () => unknown): { code: string; message: string } {
  try {
    make();
  } catch (error) {
    if (isSessionError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('the Fetch and Hono wrappers refuse an option they do not know, naming it', () => {
  const sessions = createSessionManager();
  const cases: readonly [string, () => unknown, string][] = [
    ['fetch sessionHandler', () => sessionHandler(sessions, { loginPth: '/login' } as never), 'loginPth'],
    ['fetch sessionRoutes', () => fetchRoutes(sessions, { prefx: '/s' } as never), 'prefx'],
    ['hono sessionMiddleware', () => sessionMiddleware(sessions, { trustProxi: true } as never), 'trustProxi'],
    ['hono sessionMiddleware getConnInfo misspelt', () => sessionMiddleware(sessions, { getConnInf: () => ({ remote: {} }) } as never), 'getConnInf'],
    ['hono sessionRoutes', () => honoRoutes(sessions, { prefx: '/s' } as never), 'prefx'],
  ];
  it.each(cases)('%s', (_name, make, key) => {
    const refused = refusal(make);
    expect(refused.code).toBe('INVALID_CONFIGURATION');
    expect(refused.message).toContain(`"${key}"`);
  });

  it('a getConnInfo or connectionInfo that is not a function is refused at startup', () => {
    expect(refusal(() => sessionMiddleware(sessions, { getConnInfo: '127.0.0.1' } as never)).message).toContain('getConnInfo');
    const withSessions = sessionHandler(sessions);
    expect(refusal(() => withSessions(() => new Response(), 'x' as never)).message).toContain('connectionInfo');
    expect(refusal(() => withSessions(undefined as never)).code).toBe('INVALID_CONFIGURATION');
  });
});

describe('the client address comes from the runtime', () => {
  it('Fetch: connectionInfo gives the IP stored with the session', async () => {
    const sessions = createSessionManager();
    const withSessions = sessionHandler(sessions);
    const signIn = withSessions(
      async (_request, requestSessions) => Response.json((await requestSessions.signIn({ userId: 'alice' })).session.id),
      (_request, server: { requestIP(): { address: string } }) => ({ remoteAddress: server.requestIP().address }),
    );
    const response = await signIn(new Request('http://app.test/login', { method: 'POST', headers: { 'user-agent': CHROME_MAC } }), {
      requestIP: () => ({ address: '203.0.113.7' }),
    });
    expect(response.headers.getSetCookie()).toHaveLength(1);
    const [view] = await sessions.list('alice');
    expect(view?.ip).toBe('203.0.113.7');
  });

  it("Hono: getConnInfo gives the IP stored with the session", async () => {
    const sessions = createSessionManager();
    const app = new Hono();
    app.use(sessionMiddleware(sessions, { getConnInfo: () => ({ remote: { address: '198.51.100.4', addressType: 'IPv4' } }) }));
    app.post('/login', async (c) => c.json((await c.var.sessions.signIn({ userId: 'bob' })).session.id));
    const response = await app.request('/login', { method: 'POST', headers: { 'user-agent': CHROME_MAC } });
    expect(response.status).toBe(200);
    const [view] = await sessions.list('bob');
    expect(view?.ip).toBe('198.51.100.4');
  });
});

describe('Hono responses', () => {
  it("the cookie set by signIn reaches a handler's own new Response() too", async () => {
    const sessions = createSessionManager();
    const app = new Hono();
    app.use(sessionMiddleware(sessions));
    app.post('/login', async (c) => {
      await c.var.sessions.signIn({ userId: 'dave' });
      return new Response(null, { status: 303, headers: { location: '/' } });
    });
    app.post('/twice', async (c) => {
      await c.var.sessions.signIn({ userId: 'erin' });
      return c.json({ ok: true });
    });
    const raw = await app.request('/login', { method: 'POST' });
    expect(raw.status).toBe(303);
    expect(raw.headers.get('location')).toBe('/');
    expect(raw.headers.getSetCookie()).toHaveLength(1);
    expect(raw.headers.getSetCookie()[0]).toMatch(/^session=[\w-]+\.[\w-]+;/);
    expect(raw.headers.get('cache-control')).toBe('no-store');
    // Through the context the cookie is there once, not twice.
    const built = await app.request('/twice', { method: 'POST' });
    expect(built.headers.getSetCookie()).toHaveLength(1);
  });
});

describe('Fetch responses', () => {
  it('the cookie set by signIn reaches a Response.redirect (immutable headers)', async () => {
    const sessions = createSessionManager();
    const handle = sessionHandler(sessions)(async (_request, requestSessions) => {
      await requestSessions.signIn({ userId: 'carol' });
      return Response.redirect('http://app.test/', 303);
    });
    const response = await handle(new Request('http://app.test/login', { method: 'POST' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://app.test/');
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=[\w-]+\.[\w-]+;/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("a Response object the app answers several requests with never carries one visitor's cookie to another", async () => {
    const sessions = createSessionManager();
    const seeOther = new Response(null, { status: 303, headers: { location: '/' } });
    const handle = sessionHandler(sessions)(async (request, requestSessions) => {
      if (new URL(request.url).pathname === '/login') await requestSessions.signIn({ userId: 'carol' });
      return seeOther;
    });
    const signedIn = await handle(new Request('http://app.test/login', { method: 'POST' }));
    expect(signedIn.headers.getSetCookie()[0]).toMatch(/^session=[\w-]+\.[\w-]+;/);
    const stranger = await handle(new Request('http://app.test/elsewhere'));
    expect([stranger.status, stranger.headers.get('location'), stranger.headers.getSetCookie()]).toEqual([303, '/', []]);
    expect(seeOther.headers.getSetCookie()).toEqual([]);
  });

  it('a WebSocket upgrade (Deno answers 101) on a request a rotation fell due goes as it is, without rotating; the next request rotates', async () => {
    let now = 1_800_000_000_000;
    const sessions = createSessionManager({ clock: () => now, kinds: { remember: { rotateAfter: 600_000, rotationGrace: 60_000 } } });
    const reused: string[] = [];
    sessions.on('session.reused', (event) => void reused.push(event.userId));
    const { token } = await sessions.create({ userId: 'carol', kind: 'remember' });
    // Node builds no 101 Response; Deno.upgradeWebSocket hands the handler one.
    const upgrade = Object.defineProperty(new Response(null), 'status', { value: 101 });
    const page = (userId: string | null) => new Response(userId ?? 'anonymous');
    const fetchApp = sessionHandler(sessions)((request, requestSessions) => (new URL(request.url).pathname === '/ws' ? upgrade : page(requestSessions.userId)));
    const honoApp = new Hono().use(sessionMiddleware(sessions)).get('/ws', () => upgrade).get('/page', (c) => page(c.get('sessions').userId));
    const request = (path: string, headers: Record<string, string> = {}) => new Request(`http://app.test${path}`, { headers: { cookie: `session=${token}`, ...headers } });
    now += 600_000;
    for (const app of [fetchApp, (request: Request) => honoApp.request(request)]) {
      const answer = await app(request('/ws', { upgrade: 'websocket', connection: 'Upgrade' }));
      expect([answer.status, answer.headers.getSetCookie()]).toEqual([101, []]);
    }
    // The page's next request, long after: the cookie it holds is still the current one, and this answer rotates it.
    now += 5 * 60_000;
    const next = await fetchApp(request('/page'));
    expect(await next.text()).toBe('carol');
    expect(next.headers.getSetCookie()[0]).toMatch(/^session=[\w-]+\.[\w-]+;/);
    expect(reused).toEqual([]);
  });

  it("a WebSocket upgrade still carrying the previous cookie inside the grace goes as it is, on Hono too (its copy of the 101 threw: a 500)", async () => {
    let now = 1_800_000_000_000;
    const sessions = createSessionManager({ clock: () => now, kinds: { remember: { rotateAfter: 600_000, rotationGrace: 60_000 } } });
    const { token } = await sessions.create({ userId: 'carol', kind: 'remember' });
    now += 600_000;
    // Another tab's request rotates the cookie while this page's socket is on its way with the previous one.
    expect((await sessions.validate(token)).ok).toBe(true);
    now += 1_000;
    const upgrade = Object.defineProperty(new Response(null), 'status', { value: 101 });
    const fetchApp = sessionHandler(sessions)(() => upgrade);
    const honoApp = new Hono().use(sessionMiddleware(sessions)).get('/ws', () => upgrade);
    const request = () => new Request('http://app.test/ws', { headers: { cookie: `session=${token}`, upgrade: 'websocket', connection: 'Upgrade' } });
    for (const app of [fetchApp, (request: Request) => honoApp.request(request)]) {
      const answer = await app(request());
      expect([answer.status, answer.headers.getSetCookie()]).toEqual([101, []]);
    }
  });

  it('a guard used on a request the wrapper did not see is a configuration error, not a pass', () => {
    expect(refusal(() => fetchRequireSession(new Request('http://app.test/'))).code).toBe('INVALID_CONFIGURATION');
  });
});
