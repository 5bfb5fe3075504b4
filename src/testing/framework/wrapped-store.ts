import type { SessionStore } from '../../store.js';
import { BROWSERS, Device, NAVIGATION } from './client.js';
import type { FrameworkSuiteContext } from './context.js';
import { intercepted } from '../store/fixtures.js';

// The store's one synchronous method: `subscribe` answers its unsubscribe function at once.
const SYNCHRONOUS = new Set(['subscribe']);

/** Every store call of `store` behind an `async` function, as a tracing wrapper puts it. */
const traced = (store: SessionStore, calls: string[]): SessionStore =>
  intercepted(store, (method, call) => {
    if (SYNCHRONOUS.has(method)) return call();
    calls.push(method);
    return (async () => call())();
  });

const READS = new Set(['get', 'readUser', 'readTenant', 'readKey', 'listActivity']);

/** `store` whose reads (`get`, `readUser`, `readTenant`, `readKey`, `listActivity`) reject with a plain `Error` while `down.now` is true. */
const failingReads = (store: SessionStore, down: { now: boolean }): SessionStore =>
  intercepted(store, (method, call) => {
    if (!READS.has(method)) return call();
    return (async () => {
      if (down.now) throw new Error('connection reset by the tracing proxy');
      return call();
    })();
  });

/** The unhandled rejections reported while `run` goes on (Node's `unhandledRejection`). */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
    // Node reports an unhandled rejection after the tick's microtasks: one macrotask later, all are in.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

/** A store the app wrapped: a Proxy of async methods works; one whose calls reject is an outage. */
export function describeWrappedStore({ describe, it, expect, scenario }: FrameworkSuiteContext): void {
  describe('a store the app wrapped', () => {
    it('a Proxy with async methods signs in, validates, lists and signs out like the store it wraps', async () => {
      const calls: string[] = [];
      const { url } = await scenario().appOver((store) => traced(store, calls));
      const device = new Device(url, BROWSERS.chromeMac);
      expect((await device.signIn('alice')).status).toBe(200);
      const list = await device.request('/sessions');
      expect(list.status).toBe(200);
      expect((list.json as Array<{ current: boolean }>).map((view) => view.current)).toEqual([true]);
      expect((await device.request('/sessions/sign-out', { method: 'POST' })).status).toBe(200);
      expect((await device.request('/api/me')).status).toBe(401);
      for (const method of ['readUser', 'apply', 'get']) expect(calls).toContain(method);
    });

    it('a store whose calls reject with a plain Error answers 503 on every route, keeps the cookie, and leaves nothing unhandled', async () => {
      const down = { now: false };
      const { url } = await scenario().appOver((store) => failingReads(store, down));
      const device = new Device(url, BROWSERS.chromeMac);
      await device.signIn('alice');
      const other = device.sessionId!;
      down.now = true;
      const unhandled = await unhandledDuring(async () => {
        const routes: ReadonlyArray<readonly [string, string, Record<string, string>?]> = [
          ['/api/me', 'GET'],
          ['/dashboard', 'GET', NAVIGATION],
          ['/account', 'POST'],
          ['/reauthenticate', 'POST'],
          ['/sessions', 'GET'],
          [`/sessions/${other}`, 'DELETE'],
          ['/sessions/sign-out', 'POST'],
          ['/sessions/sign-out-others', 'POST'],
          ['/sessions/sign-out-everywhere', 'POST'],
        ];
        for (const [path, method, headers] of routes) {
          const reply = await device.request(path, { method, headers });
          expect([path, reply.status]).toEqual([path, 503]);
          expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(reply.cookies).toHaveLength(0);
        }
      });
      expect(unhandled).toEqual([]);
      down.now = false;
      expect((await device.request('/api/me')).status).toBe(200);
    });
  });
}
