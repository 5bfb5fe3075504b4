import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sessionMiddleware, sessionRoutes } from '../../adapters/express/index.js';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import type { RevocationNotice } from '../../src/store.js';
import { listen } from '../frameworks/listen.js';
import { record } from './support/figures.js';

/** Streams held open at once on one instance. */
const STREAMS = 1_000;
/** Five pages per user: the default `maxPerUser`, all of it used. */
const PER_USER = 5;
const USERS = STREAMS / PER_USER;
/**
 * Heap per open stream, server and client sides together (both live in this process): the
 * server's request, response and socket objects (a few KiB in Node), the stream's entry in
 * three maps and its expiry timer (well under 1 KiB), and as much again for the client's side.
 * 64 KiB is several times that: a leak of a buffer or of a listener per heartbeat would pass it
 * within a few seconds, a correct implementation never gets near.
 */
const MAX_HEAP_PER_STREAM = 64 * 1024;
/** What may stay on the heap once every stream closed (allocator noise, JIT code). */
const MAX_HEAP_LEFT = 8 * 1024 * 1024;
/** Every revocation must have reached its stream by then (2 shared cores, 1,000 sockets). */
const DELIVERY_BUDGET = 20_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function heapUsed(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

async function eventually(condition: () => boolean, within: number, what: string): Promise<void> {
  const until = Date.now() + within;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`Not within ${within} ms: ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The memory store, counting its subscribers (the events routes subscribe only while streams are open). */
function countingStore(): SessionStore & { readonly subscribers: number } {
  const inner = memoryStore();
  let subscribers = 0;
  const store = Object.create(inner) as SessionStore;
  Object.defineProperty(store, 'subscribers', { get: () => subscribers });
  store.subscribe = (listener: (notice: RevocationNotice) => void, onResync?: () => void) => {
    subscribers += 1;
    const unsubscribe = inner.subscribe!(listener, onResync);
    return () => {
      subscribers -= 1;
      unsubscribe();
    };
  };
  return store as SessionStore & { readonly subscribers: number };
}

/** One client page: the raw response, what it read, and whether the server ended it. */
interface Page {
  readonly userId: string;
  text: string;
  ended: boolean;
  response: IncomingMessage | undefined;
}

function openPage(base: string, token: string, userId: string): Promise<Page> {
  const page: Page = { userId, text: '', ended: false, response: undefined };
  return new Promise((resolve, reject) => {
    // One connection per page, as a browser tab's EventSource holds one.
    const outgoing = request(`${base}/sessions/events`, { agent: false, headers: { cookie: `session=${token}`, accept: 'text/event-stream' } }, (response) => {
      page.response = response;
      if (response.statusCode !== 200) {
        reject(new Error(`status ${response.statusCode}`));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        // Only what matters is kept: heartbeats would make the client's side grow, not the server's.
        if (chunk.includes('event: revoked')) page.text += chunk;
        if (page.text === '' && chunk.includes(': live')) resolve(page);
      });
      response.on('end', () => {
        page.ended = true;
      });
      response.on('error', () => undefined);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('live sign-out under load', () => {
  it(`${STREAMS} open event streams on one instance: bounded heap, every revocation delivered, all closed cleanly`, async () => {
    const store = countingStore();
    const sessions = createSessionManager({ store });
    const app = express();
    app.use(sessionMiddleware(sessions));
    app.use(sessionRoutes(sessions, { events: { heartbeat: 500, maxPerUser: PER_USER } }));
    const server = createServer(app as (req: IncomingMessage, res: ServerResponse) => void);
    const running = await listen(server);
    onTestFinished(async () => {
      await running.close();
      await sessions.close();
    });

    const tokens: { userId: string; token: string }[] = [];
    for (let user = 0; user < USERS; user++) {
      for (let page = 0; page < PER_USER; page++) {
        const userId = `load-user-${user}`;
        tokens.push({ userId, token: (await sessions.create({ userId })).token });
      }
    }
    const before = await heapUsed();
    const openedAt = Date.now();
    const pages: Page[] = [];
    // In batches, so the listen backlog is never the limit being measured.
    for (let start = 0; start < STREAMS; start += 100) {
      pages.push(...(await Promise.all(tokens.slice(start, start + 100).map(({ userId, token }) => openPage(running.url, token, userId)))));
    }
    const openMs = Date.now() - openedAt;
    expect(store.subscribers).toBe(1);
    // A few heartbeats go by on every stream: nothing may pile up meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const during = await heapUsed();
    const perStream = (during - before) / STREAMS;
    expect(pages.every((page) => !page.ended)).toBe(true);

    // One user over the limit is refused, the others' streams untouched.
    await expect(openPage(running.url, tokens[0]!.token, tokens[0]!.userId)).rejects.toThrow('status 429');

    const revokedAt = Date.now();
    for (let user = 0; user < USERS; user++) await sessions.revokeAll(`load-user-${user}`);
    await eventually(() => pages.every((page) => page.ended), DELIVERY_BUDGET, 'every stream ended');
    const deliveryMs = Date.now() - revokedAt;
    const delivered = pages.filter((page) => page.text.includes('event: revoked\ndata: {"reason":"revoked"}')).length;
    expect(delivered).toBe(STREAMS);

    // Closed cleanly: no subscription left, and the heap back where it was.
    await eventually(() => store.subscribers === 0, 5_000, 'the store subscription dropped');
    for (const page of pages) page.response = undefined;
    const after = await heapUsed();
    console.info(
      `${STREAMS} streams: opened in ${openMs} ms, heap +${Math.round((during - before) / 1024)} KiB open (${Math.round(perStream)} B per stream), ` +
        `all ${delivered} revocations delivered in ${deliveryMs} ms, heap +${Math.round((after - before) / 1024)} KiB after closing`,
    );
    record('live events load', { requests: STREAMS, revocations: USERS, violations: STREAMS - delivered });
    expect(perStream).toBeLessThan(MAX_HEAP_PER_STREAM);
    expect(after - before).toBeLessThan(MAX_HEAP_LEFT);
  });
});
