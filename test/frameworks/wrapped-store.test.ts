import { afterEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import { FRAMEWORKS, serveApp } from './five-apps.js';

// A store wrapped the ordinary way an app adds tracing (a Proxy whose methods are async) is a
// store like any other; one whose calls reject is an outage: 503 through every wrapper, the
// cookie kept, and no rejection left unhandled.

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

/** Every method of `store` behind an `async` function, as a tracing wrapper would put it. */
function traced(store: SessionStore, calls: string[]): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        calls.push(property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** `store` whose reads reject with a plain `Error` (not a `SessionError`) while `down.now` is true. */
function failingReads(store: SessionStore, down: { now: boolean }): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'get' || property === 'listByUser' || property === 'getRevocationState') {
        return async (...args: unknown[]) => {
          if (down.now) throw new Error('connection reset by the tracing proxy');
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/** Collects unhandled rejections while `run` goes on, and a little after. */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
    // Node reports an unhandled rejection after the microtasks of the tick that made it: one
    // macrotask later every rejection of the run has been reported or handled.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe.each(FRAMEWORKS)('a wrapped store through %s', (framework) => {
  async function start(store: SessionStore) {
    const sessions = createSessionManager({ store, onError: () => undefined });
    const server = await serveApp(framework, sessions);
    opened.push(async () => {
      await server.close();
      await sessions.close();
    });
    const login = await fetch(`${server.url}/login?user=alice`, { method: 'POST' });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    return { url: server.url, cookie, sessions };
  }

  it('a Proxy with async methods signs in, validates, lists and signs out like the store it wraps', async () => {
    const calls: string[] = [];
    const { url, cookie } = await start(traced(memoryStore(), calls));
    const list = await fetch(`${url}/sessions`, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { current: boolean }[]).map((view) => view.current)).toEqual([true]);
    const signOut = await fetch(`${url}/sessions/sign-out`, { method: 'POST', headers: { cookie, origin: url } });
    expect(signOut.status).toBe(200);
    expect((await fetch(`${url}/sessions`, { headers: { cookie } })).status).toBe(401);
    expect(calls).toEqual(expect.arrayContaining(['create', 'get', 'listByUser', 'revoke']));
  });

  it('a store whose calls reject answers 503 with the cookie kept, and leaves nothing unhandled', async () => {
    const down = { now: false };
    const { url, cookie } = await start(failingReads(memoryStore(), down));
    down.now = true;
    const unhandled = await unhandledDuring(async () => {
      for (const [path, method] of [['/sessions', 'GET'], ['/sessions/sign-out', 'POST'], ['/sessions/sign-out-everywhere', 'POST']] as const) {
        const reply = await fetch(`${url}${path}`, { method, headers: { cookie, origin: url } });
        expect(reply.status).toBe(503);
        expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(reply.headers.getSetCookie()).toEqual([]);
      }
    });
    expect(unhandled).toEqual([]);
    down.now = false;
    expect((await fetch(`${url}/sessions`, { headers: { cookie } })).status).toBe(200);
  });
});
