import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionHandler, sessionRoutes as fetchRoutes } from '../../adapters/fetch/index.js';
import { sessionMiddleware, sessionRoutes as honoRoutes } from '../../adapters/hono/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { EventReader } from '../../src/testing/framework/live-events.js';
import { serveFetch, type FetchApp } from './fetch-bridge.js';
import { listen } from './listen.js';

const EVENTS = { maxPerUser: 1 };
type Serve = (sessions: SessionManager, app: (inner: FetchApp) => FetchApp) => Promise<{ url: string; close(): Promise<void> }>;

// A runtime that tells a response its client left only by aborting `request.signal`, never cancelling the body.
const wrappers: ReadonlyArray<readonly [string, Serve]> = [
  ['Fetch', (sessions, observed) => {
    const routes = fetchRoutes(sessions, { events: EVENTS });
    const app = sessionHandler(sessions)(async (request) => (await routes(request)) ?? new Response(null, { status: 404 }));
    return listen(serveFetch(observed(app), 'aborts the signal only'));
  }],
  ['Hono', (sessions, observed) => {
    const app = new Hono().use(sessionMiddleware(sessions)).use(honoRoutes(sessions, { events: EVENTS }));
    return listen(serveFetch(observed(async (request) => app.fetch(request)), 'aborts the signal only'));
  }],
];

describe.each(wrappers)('%s: a live sign-out stream whose client left, on a runtime that only aborts request.signal', (_name, serve) => {
  const closing: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  it('frees its place: the same page reconnecting more often than maxPerUser gets a stream each time', async () => {
    const sessions = createSessionManager();
    closing.push(() => sessions.close());
    let left: () => void = () => undefined;
    // Added before the wrapper's own listener, so it runs first, in the same dispatch.
    const observed = (inner: FetchApp): FetchApp => (request, connection) => {
      request.signal.addEventListener('abort', () => left(), { once: true });
      return inner(request, connection);
    };
    const server = await serve(sessions, observed);
    closing.push(() => server.close());
    const { token } = await sessions.create({ userId: 'ada' });
    for (let round = 0; round < 3; round += 1) {
      const leaving = new AbortController();
      const response = await fetch(`${server.url}/sessions/events`, { headers: { cookie: `session=${token}`, accept: 'text/event-stream' }, signal: leaving.signal });
      expect([round, response.status]).toEqual([round, 200]);
      const reader = response.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain(': live');
      const gone = new Promise<void>((resolve) => (left = resolve));
      leaving.abort();
      await reader.cancel().catch(() => undefined);
      await gone;
    }
  });
});

// A runtime whose request.signal aborts while its client still reads (one that aborts it once the handler returned).
const handlers: ReadonlyArray<readonly [string, (sessions: SessionManager) => (request: Request) => Promise<Response>]> = [
  ['Fetch', (sessions) => {
    const routes = fetchRoutes(sessions, { events: true });
    return sessionHandler(sessions)(async (request) => (await routes(request)) ?? new Response(null, { status: 404 }));
  }],
  ['Hono', (sessions) => {
    const app = new Hono().use(sessionMiddleware(sessions)).use(honoRoutes(sessions, { events: true }));
    return async (request) => app.fetch(request);
  }],
];

describe.each(handlers)('%s: a live sign-out stream whose request.signal aborts while its page still reads', (_name, handlerOf) => {
  it('ends, so the page reconnects and hears its session end, instead of a stream nothing is sent on any more', async () => {
    const sessions = createSessionManager();
    try {
      const { token, session } = await sessions.create({ userId: 'ada' });
      const aborted = new AbortController();
      const request = new Request('http://127.0.0.1/sessions/events', { headers: { cookie: `session=${token}`, accept: 'text/event-stream' }, signal: aborted.signal });
      const response = await handlerOf(sessions)(request);
      expect(response.status).toBe(200);
      const events = new EventReader(response.body!);
      expect((await events.next())?.event).toBe('comment');
      aborted.abort();
      await sessions.revoke(session.id);
      expect(await events.nextEvent()).toBeUndefined();
    } finally {
      await sessions.close();
    }
  });
});
