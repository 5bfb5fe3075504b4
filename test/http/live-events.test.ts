import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import express from 'express';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { FRAMEWORKS, serveApp, type Framework } from '../frameworks/five-apps.js';
import { listen } from '../frameworks/listen.js';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager, memoryStore, SessionError, type CreateSessionManagerOptions, type SessionManager, type SessionStore } from '../../src/index.js';
import type { LiveEventsOptions, SessionHttpOptions } from '../../src/http/index.js';
import { storeOperations } from '../../src/storage/index.js';
import type { RevocationNotice } from '../../src/store.js';
import { EventReader } from '../../src/testing/framework/live-events.js';

/**
 * A memory store that publishes only what the test publishes, as a store shared with other
 * instances would: `publish` is a notice from "another instance", `resync` a subscription
 * that came back after a drop. It counts its subscribers, so a leak shows.
 */
function publishingStore(): SessionStore & { publish(notice: RevocationNotice): void; resync(): void; readonly subscribers: number } {
  const inner = memoryStore();
  const listeners = new Set<{ listener: (notice: RevocationNotice) => void; onResync: (() => void) | undefined }>();
  const store = Object.create(inner) as SessionStore;
  // A getter through defineProperty: Object.assign would copy its value once.
  Object.defineProperty(store, 'subscribers', { get: () => listeners.size });
  return Object.assign(store as SessionStore & { readonly subscribers: number }, {
    subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void) {
      const entry = { listener, onResync };
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    publish(notice: RevocationNotice) {
      for (const entry of [...listeners]) entry.listener(notice);
    },
    resync() {
      for (const entry of [...listeners]) entry.onResync?.();
    },
  });
}

interface Running {
  readonly url: string;
  readonly sessions: SessionManager;
  signIn(userId: string, tenantId?: string): Promise<{ cookie: string; sessionId: string }>;
  /** `events` reads the stream of a `200`; the body of another answer is left to `response`. */
  open(cookie: string): Promise<{ response: Response; events: EventReader }>;
}

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function start(
  events: LiveEventsOptions,
  managerOptions: CreateSessionManagerOptions,
  ownsManager = true,
  framework: Framework = 'express',
  http: SessionHttpOptions = {},
): Promise<Running> {
  const sessions = createSessionManager(managerOptions);
  const server = await serveApp(framework, sessions, events, http);
  const readers: EventReader[] = [];
  opened.push(async () => {
    for (const reader of readers) await reader.cancel();
    await server.close();
    if (ownsManager) await sessions.close();
  });
  return {
    url: server.url,
    sessions,
    async signIn(userId, tenantId) {
      const query = tenantId === undefined ? '' : `&tenant=${tenantId}`;
      const response = await fetch(`${server.url}/login?user=${userId}${query}`, { method: 'POST' });
      const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
      return { cookie, sessionId: ((await response.json()) as { sessionId: string }).sessionId };
    },
    async open(cookie) {
      const response = await fetch(`${server.url}/sessions/events`, { headers: { cookie } });
      if (response.status !== 200) return { response, events: new EventReader(new ReadableStream()) };
      const events = new EventReader(response.body!);
      readers.push(events);
      expect((await events.next())?.event).toBe('comment');
      return { response, events };
    },
  };
}

const QUIET: LiveEventsOptions = { heartbeat: 60_000, pollInterval: 600_000 };
const REVOKED = { event: 'revoked', data: '{"reason":"revoked"}' };

/**
 * Counts the timers and intervals the events code holds: those created from live-events.ts and
 * neither cleared nor (for a timeout) fired. The process's own timer count would also move with
 * the HTTP client's and server's, which a loaded machine makes noisy.
 */
function trackEventTimers(): { readonly live: () => number; restore(): void } {
  const held = new Set<unknown>();
  const original = { setTimeout, setInterval, clearTimeout, clearInterval };
  const fromEvents = (): boolean => (new Error().stack ?? '').includes('live-events.ts');
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (!fromEvents()) return original.setTimeout(callback, ms, ...args);
    const handle = original.setTimeout(
      (...given: unknown[]) => {
        held.delete(handle);
        callback(...given);
      },
      ms,
      ...args,
    );
    held.add(handle);
    return handle;
  }) as typeof setTimeout;
  globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = original.setInterval(callback, ms, ...args);
    if (fromEvents()) held.add(handle);
    return handle;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
    held.delete(handle);
    original.clearTimeout(handle);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
    held.delete(handle);
    original.clearInterval(handle);
  }) as typeof clearInterval;
  return {
    live: () => held.size,
    restore: () => void Object.assign(globalThis, original),
  };
}

async function eventually(condition: () => boolean): Promise<void> {
  const until = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error('The condition never held.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the live sign-out stream', () => {
  it.each(FRAMEWORKS)('%s: holds the store subscription and its timers only while streams are open; a client leaving frees them', async (framework) => {
    const timers = trackEventTimers();
    onTestFinished(() => timers.restore());
    const store = publishingStore();
    const app = await start({ heartbeat: 50, pollInterval: 600_000 }, { store }, true, framework);
    const { cookie } = await app.signIn('alice');
    expect(store.subscribers).toBe(0);
    expect(timers.live()).toBe(0);
    const streams = [await app.open(cookie), await app.open(cookie), await app.open(cookie)];
    expect(store.subscribers).toBe(1);
    // The heartbeat, the slow read for a lost notice, and one expiry timer per stream once its first check answered.
    await eventually(() => timers.live() === 5);
    for (const { events } of streams) await events.cancel();
    await eventually(() => store.subscribers === 0);
    await eventually(() => timers.live() === 0);
    // A new stream starts again from nothing.
    const again = await app.open(cookie);
    expect(again.response.status).toBe(200);
    expect(store.subscribers).toBe(1);
  });

  it('refuses a stream beyond maxPerUser with 429 and Retry-After; the open ones keep going, a closed one frees its place', async () => {
    const app = await start({ ...QUIET, maxPerUser: 2 }, { store: memoryStore() });
    const alice = await app.signIn('alice');
    const bob = await app.signIn('bob');
    const first = await app.open(alice.cookie);
    await app.open(alice.cookie);
    const third = await app.open(alice.cookie);
    expect(third.response.status).toBe(429);
    expect(third.response.headers.get('retry-after')).toBe('60');
    expect(await third.response.json()).toEqual({ error: 'too_many_streams' });
    // Per user: bob is not counted with alice.
    expect((await app.open(bob.cookie)).response.status).toBe(200);
    await first.events.cancel();
    let fourth = await app.open(alice.cookie);
    for (let tries = 0; fourth.response.status === 429 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      fourth = await app.open(alice.cookie);
    }
    expect(fourth.response.status).toBe(200);
  });

  it("a tenant-wide notice (empty user id) re-reads every stream of that tenant, and only those", async () => {
    const store = publishingStore();
    const app = await start(QUIET, { store });
    const acme = await app.signIn('alice', 'acme');
    const globex = await app.signIn('otto', 'globex');
    const acmeStream = await app.open(acme.cookie);
    const globexStream = await app.open(globex.cookie);
    // Another instance revoked the tenant: here, the row is ended in the store directly, and the notice says the tenant.
    await storeOperations(store).revoke(acme.sessionId, { at: Date.now(), reason: 'admin', denyUntil: Date.now() });
    await storeOperations(store).revoke(globex.sessionId, { at: Date.now(), reason: 'admin', denyUntil: Date.now() });
    store.publish({ userId: '', tenantId: 'acme' });
    expect(await acmeStream.events.nextEvent()).toEqual(REVOKED);
    expect(await acmeStream.events.nextEvent()).toBeUndefined();
    // globex's stream heard nothing for itself: it ends only at its own tenant's notice.
    store.publish({ userId: '', tenantId: 'globex' });
    expect(await globexStream.events.nextEvent()).toEqual(REVOKED);
  });

  it("sessions.revokeTenant() on this instance ends every stream of the tenant's sessions; another tenant's stays", async () => {
    const app = await start(QUIET, { store: memoryStore() });
    const acme = await app.signIn('alice', 'acme');
    const acmeToo = await app.signIn('ben', 'acme');
    const globex = await app.signIn('otto', 'globex');
    const streams = [await app.open(acme.cookie), await app.open(acmeToo.cookie)];
    const globexStream = await app.open(globex.cookie);
    await app.sessions.revokeTenant('acme');
    for (const stream of streams) expect(await stream.events.nextEvent()).toEqual(REVOKED);
    await app.sessions.revoke(globex.sessionId);
    // globex's stream is still open, and ends at its own revocation.
    expect(await globexStream.events.nextEvent()).toEqual(REVOKED);
  });

  it('a resync (notices may have been lost) re-reads every stream', async () => {
    const store = publishingStore();
    const app = await start(QUIET, { store });
    const { cookie, sessionId } = await app.signIn('alice');
    const stream = await app.open(cookie);
    await storeOperations(store).revoke(sessionId, { at: Date.now(), reason: 'revoked', denyUntil: Date.now() });
    store.resync();
    expect(await stream.events.nextEvent()).toEqual(REVOKED);
  });

  it('a notice about a user whose session is still live changes nothing: the stream stays open', async () => {
    const store = publishingStore();
    const app = await start({ heartbeat: 50, pollInterval: 600_000 }, { store });
    const { cookie } = await app.signIn('alice');
    const stream = await app.open(cookie);
    store.publish({ userId: 'alice' });
    expect(await stream.events.next()).toEqual({ event: 'heartbeat', data: '50' });
    expect(await stream.events.next()).toEqual({ event: 'heartbeat', data: '50' });
  });

  it('is no use of the session: a page refused 429 asking again and again never holds off the idle timeout', async () => {
    let offset = 0;
    const app = await start({ ...QUIET, maxPerUser: 1 }, { store: memoryStore(), idleTimeout: 10 * 60_000, clock: () => Date.now() + offset });
    const { cookie, sessionId } = await app.signIn('alice');
    const headers = { cookie, accept: 'text/event-stream' };
    const first = await fetch(`${app.url}/sessions/events`, { headers });
    expect(first.status).toBe(200);
    onTestFinished(() => first.body?.cancel());
    // The user walked away; a second tab's watcher asks every few minutes, and is told the session went idle at 10.
    const statuses: number[] = [];
    for (const minute of [4, 8, 12, 16]) {
      offset = minute * 60_000;
      statuses.push((await fetch(`${app.url}/sessions/events`, { headers })).status);
    }
    expect(statuses).toEqual([429, 429, 401, 401]);
    expect(await app.sessions.liveness(sessionId)).toEqual({ live: false, reason: 'idle' });
  });

  it('is no use of the session whatever it accepts: the route serves the stream by its path, and so it is judged', async () => {
    let offset = 0;
    const app = await start({ ...QUIET, maxPerUser: 1 }, { store: memoryStore(), idleTimeout: 10 * 60_000, clock: () => Date.now() + offset });
    const { cookie, sessionId } = await app.signIn('alice');
    const first = await fetch(`${app.url}/sessions/events`, { headers: { cookie, accept: '*/*' } });
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    onTestFinished(() => first.body?.cancel());
    const statuses: number[] = [];
    for (const minute of [4, 8, 12]) {
      offset = minute * 60_000;
      statuses.push((await fetch(`${app.url}/sessions/events`, { headers: { cookie } })).status);
    }
    expect(statuses).toEqual([429, 429, 401]);
    expect(await app.sessions.liveness(sessionId)).toEqual({ live: false, reason: 'idle' });
  });

  it('ends with reason "expired" when the session runs out, and "idle" after the idle timeout, with nobody revoking', async () => {
    const app = await start(QUIET, { store: memoryStore(), kinds: { browser: { maxAge: 1_500 }, api: { maxAge: 60_000, idleTimeout: 1_500 } } });
    const { cookie } = await app.signIn('alice');
    const stream = await app.open(cookie);
    expect(await stream.events.nextEvent()).toEqual({ event: 'revoked', data: '{"reason":"expired"}' });

    const idleApp = await start(QUIET, { store: memoryStore(), idleTimeout: 1_500 });
    const idle = await idleApp.signIn('bob');
    const idleStream = await idleApp.open(idle.cookie);
    expect(await idleStream.events.nextEvent()).toEqual({ event: 'revoked', data: '{"reason":"idle"}' });
  });

  it('ends with reason "reused" when a copy of its rotated-out cookie comes back after the grace', async () => {
    let offset = 0;
    const app = await start(QUIET, { store: memoryStore(), clock: () => Date.now() + offset, kinds: { browser: { rotateAfter: 60_000, rotationGrace: 1_000 } } });
    const { cookie } = await app.signIn('alice');
    offset = 60_000;
    // A use of the session rotates the cookie: the copy is the retired one now, and the page watches with the new one.
    const used = await app.sessions.validate(cookie.slice('session='.length));
    if (!used.ok || used.rotatedToken === undefined) throw new Error('the session did not rotate');
    const stream = await app.open(`session=${used.rotatedToken}`);
    // The stream itself is no use: it rotates nothing.
    expect(stream.response.headers.getSetCookie()).toEqual([]);
    offset = 61_000;
    expect(await app.sessions.validate(cookie.slice('session='.length))).toEqual({ ok: false, reason: 'reused' });
    expect(await stream.events.nextEvent()).toEqual({ event: 'revoked', data: '{"reason":"reused"}' });
  });

  it('a store error while re-reading ends the stream without "revoked": an outage signs nobody out', async () => {
    const store = publishingStore();
    const app = await start(QUIET, { store });
    const { cookie } = await app.signIn('alice');
    const stream = await app.open(cookie);
    (store as { get: SessionStore['get'] }).get = async () => {
      throw new SessionError('STORE_UNAVAILABLE', 'down');
    };
    store.publish({ userId: 'alice' });
    expect(await stream.events.nextEvent()).toBeUndefined();
  });

  it('closing the manager ends every stream, and reports nothing (it is no failure)', async () => {
    const reported: unknown[] = [];
    const app = await start(QUIET, { store: memoryStore() }, false, 'express', { onError: (error) => reported.push(error) });
    const { cookie } = await app.signIn('alice');
    const stream = await app.open(cookie);
    await app.sessions.close();
    expect(await stream.events.nextEvent()).toBeUndefined();
    expect(reported).toEqual([]);
  });

  it.each(FRAMEWORKS)("%s: closing the manager while a stream's request is being validated ends that response, and reports nothing", async (framework) => {
    const reported: unknown[] = [];
    const inner = memoryStore();
    const store = Object.create(inner) as SessionStore;
    const app = await start(QUIET, { store }, false, framework, { onError: (error) => reported.push(error) });
    const { cookie } = await app.signIn('alice');
    // The validation's read reaches the store, and its answer comes back once the manager is closed.
    let reached!: () => void;
    const reading = new Promise<void>((resolve) => (reached = resolve));
    let answer!: () => void;
    const closed = new Promise<void>((resolve) => (answer = resolve));
    store.get = async (id) => {
      const found = await inner.get(id);
      reached();
      await closed;
      return found;
    };
    const abort = new AbortController();
    const response = fetch(`${app.url}/sessions/events`, { headers: { cookie }, signal: abort.signal });
    await reading;
    await app.sessions.close();
    answer();
    const bound = setTimeout(() => abort.abort(), 5_000);
    const body = await (await response).text().catch(() => 'still open after 5 s');
    clearTimeout(bound);
    expect(body).toBe('');
    expect(reported).toEqual([]);
  });

  it("a store error while re-reading is reported to the middleware's onError", async () => {
    const reported: unknown[] = [];
    const store = publishingStore();
    const app = await start(QUIET, { store }, true, 'express', { onError: (error) => reported.push(error) });
    const { cookie } = await app.signIn('alice');
    const stream = await app.open(cookie);
    (store as { get: SessionStore['get'] }).get = async () => {
      throw new SessionError('STORE_UNAVAILABLE', 'down');
    };
    store.publish({ userId: 'alice' });
    expect(await stream.events.nextEvent()).toBeUndefined();
    expect(reported).toEqual([expect.objectContaining({ code: 'STORE_UNAVAILABLE' })]);
  });

  it("a manager wrapped by spreading it is re-read through the wrapper's own liveness()", async () => {
    const inner = createSessionManager();
    let validations = 0;
    const sessions: SessionManager = {
      ...inner,
      liveness: (sessionId) => {
        validations += 1;
        return inner.liveness(sessionId);
      },
    };
    const server = await serveApp('express', sessions, QUIET);
    opened.push(async () => {
      await server.close();
      await inner.close();
    });
    const login = await fetch(`${server.url}/login?user=alice`, { method: 'POST' });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const { sessionId } = (await login.json()) as { sessionId: string };
    const response = await fetch(`${server.url}/sessions/events`, { headers: { cookie } });
    const events = new EventReader(response.body!);
    opened.push(() => events.cancel());
    expect((await events.next())?.event).toBe('comment');
    const before = validations;
    await inner.revoke(sessionId);
    expect(await events.nextEvent()).toEqual(REVOKED);
    expect(validations).toBeGreaterThan(before);
  });

  describe('on a store that does not publish (SQLite)', () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('polls each stream: a revocation by another process sharing the file reaches it within pollInterval', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'live-events-'));
      dirs.push(dir);
      const filename = join(dir, 'sessions.sqlite');
      const app = await start({ heartbeat: 60_000, pollInterval: 100 }, { store: sqliteStore({ filename }) });
      expect(app.sessions.revocationsPublished).toBe(false);
      const { cookie, sessionId } = await app.signIn('alice');
      const stream = await app.open(cookie);
      // Another process: its own manager on the same file; its revocation publishes nothing.
      const other = createSessionManager({ store: sqliteStore({ filename }) });
      try {
        expect(await other.revoke(sessionId)).toBe(true);
        expect(await stream.events.nextEvent()).toEqual(REVOKED);
      } finally {
        await other.close();
      }
    });
  });
});

describe('the events option', () => {
  it('is off by default: GET /sessions/events is left to the app, which has no such route', async () => {
    const sessions = createSessionManager();
    const app = express();
    app.use(sessionMiddleware(sessions));
    app.use(sessionRoutes(sessions));
    const server = await listen(createServer(app));
    try {
      expect((await fetch(`${server.url}/sessions/events`)).status).toBe(404);
    } finally {
      await server.close();
      await sessions.close();
    }
  });

  it.each([
    [{ heartbeat: 0 }, 'events.heartbeat'],
    [{ maxPerUser: 0 }, 'events.maxPerUser'],
    [{ pollInterval: 1.5 }, 'events.pollInterval'],
    [{ heartbeats: 10 }, 'heartbeats'],
    ['yes', 'events must be an object'],
  ])('refuses events %j at startup', (events, message) => {
    const sessions = createSessionManager();
    expect(() => sessionRoutes(sessions, { events } as never)).toThrow(message);
  });
});

describe('the events route and other sites', () => {
  it.each(FRAMEWORKS)('%s: a page of another site, a sibling subdomain included, gets 403 and takes none of the user\'s places', async (framework) => {
    const app = await start({ ...QUIET, maxPerUser: 1 }, { store: memoryStore() }, true, framework);
    const alice = await app.signIn('alice');
    // An iframe or a popup of a sibling subdomain (SameSite=Lax sends the cookie), and one of an unrelated site without Fetch Metadata.
    const others: Record<string, string>[] = [{ 'sec-fetch-site': 'same-site', accept: 'text/html' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }];
    for (const headers of others) {
      const response = await fetch(`${app.url}/sessions/events`, { headers: { cookie: alice.cookie, ...headers } });
      expect(response.status).toBe(403);
      await response.body?.cancel();
    }
    const own = await fetch(`${app.url}/sessions/events`, { headers: { cookie: alice.cookie, 'sec-fetch-site': 'same-origin', accept: 'text/event-stream' } });
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });
});
