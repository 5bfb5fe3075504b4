import { withDeadline } from '../../core/timer.js';
import { BROWSERS, sessionSetCookies } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** How long a stream may take to say something before the case fails (generous: shared CI machines). */
const PATIENCE = 5_000;

/** The suite's `events.maxPerUser`: one more open stream of a user is refused (`429`). */
export const SUITE_STREAMS_PER_USER = 3;

/** One Server-Sent Event, or a comment line (`event` then `"comment"`). */
export interface StreamEvent {
  readonly event: string;
  readonly data: string;
}

/** An open `text/event-stream` response, read event by event. */
export class EventReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = '';
  #done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event or comment block; `undefined` once the server ended the stream. */
  async next(): Promise<StreamEvent | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(block);
      }
      if (this.#done) return undefined;
      const { value, done } = await withDeadline(this.#reader.read(), PATIENCE, () => new Error(`The events stream said nothing for ${PATIENCE} ms.`));
      if (done) this.#done = true;
      else this.#buffer += value;
    }
  }

  /** Skips comments and heartbeats and reads the next event that says something (`undefined` at the end of the stream). */
  async nextEvent(): Promise<StreamEvent | undefined> {
    for (;;) {
      const next = await this.next();
      if (next === undefined || (next.event !== 'comment' && next.event !== 'heartbeat')) return next;
    }
  }

  /** Leaves: the client goes away. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

function parseBlock(block: string): StreamEvent {
  let event = 'message';
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    fields += 1;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
  }
  // A block of comments only, or `retry:` alone: no event is dispatched for it.
  if (fields === 0 || (event === 'message' && data.length === 0)) return { event: 'comment', data: block };
  return { event, data: data.join('\n') };
}

/** Live sign-out: `GET /sessions/events` streams `event: revoked` the moment the session is revoked elsewhere. */
export function describeLiveEvents({ describe, it, expect, scenario }: FrameworkSuiteContext): void {
  const openEvents = (headers?: Record<string, string>) => fetch(new URL('/sessions/events', scenario().url), { headers });
  // Reads a stream: its first bytes (once it listens, so nothing after can be missed), then after `act` one "revoked" event and the end.
  const expectRevokedAfter = async (response: Response, act: (events: EventReader) => Promise<void>) => {
    const events = new EventReader(response.body!);
    try {
      expect((await events.next())?.event).toBe('comment');
      await act(events);
      expect(await events.nextEvent()).toEqual({ event: 'revoked', data: '{"reason":"revoked"}' });
      expect(await events.nextEvent()).toBeUndefined();
    } finally {
      await events.cancel();
    }
  };

  describe('live sign-out events', () => {
    it('an open events stream hears "revoked" when another device revokes its session, then ends', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      const response = await openEvents(phone.headers({ accept: 'text/event-stream' }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect([response.headers.get('cache-control'), response.headers.get('x-accel-buffering')]).toEqual(['no-store, no-transform', 'no']);
      await expectRevokedAfter(response, async () => {
        expect((await laptop.request(`/sessions/${phone.sessionId}`, { method: 'DELETE' })).status).toBe(204);
      });
      // The laptop is not signed out by the phone's revocation.
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('"sign out everywhere" from one device ends the streams of the others, and heartbeats keep a quiet stream going', async () => {
      const [laptop, phone] = await scenario().signedInOn('bob', BROWSERS.chromeMac, BROWSERS.safariIphone);
      await expectRevokedAfter(await openEvents(phone.headers()), async (events) => {
        // The suite's heartbeat is 100 ms: one at once, then one each interval on a stream with nothing to say, saying how often they come.
        expect(await events.next()).toEqual({ event: 'heartbeat', data: '100' });
        expect(await events.next()).toEqual({ event: 'heartbeat', data: '100' });
        expect((await laptop.request('/sessions/sign-out-everywhere', { method: 'POST' })).status).toBe(204);
      });
    });

    it("a support session's stream ends when its admin is signed out everywhere", async () => {
      const admin = await scenario().signedIn('erin-admin');
      const support = scenario().device(BROWSERS.chromeMac);
      support.token = (await scenario().sessions.impersonate(await scenario().liveSession(admin.token), 'erin')).token;
      const response = await openEvents(support.headers());
      expect(response.status).toBe(200);
      await expectRevokedAfter(response, async () => {
        // The admin's own device, not the support session's user, is what signs out.
        expect((await admin.request('/sessions/sign-out-everywhere', { method: 'POST' })).status).toBe(204);
      });
    });

    it('only the stream watches without using the session: another page asking for text/event-stream moves its "last used"', async () => {
      const device = await scenario().signedIn('dan');
      scenario().advance(5 * 60_000);
      expect((await device.request('/api/me', { headers: { accept: 'text/event-stream' } })).status).toBe(200);
      expect((await scenario().sessions.list('dan'))[0]?.lastUsed).toBe('Just now');
    });

    it('a page that leaves frees its place: more streams than a user may hold, each left before the next, all open', async () => {
      const device = await scenario().signedIn('eve');
      // The server hears of a client that left a moment later: a 429 is asked again until then.
      const openWhenFree = async () => {
        const deadline = Date.now() + PATIENCE;
        for (;;) {
          const response = await openEvents(device.headers());
          if (response.status !== 429 || Date.now() > deadline) return response;
          await response.body?.cancel();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      for (let round = 0; round <= SUITE_STREAMS_PER_USER; round += 1) {
        const response = await openWhenFree();
        expect([round, response.status]).toEqual([round, 200]);
        const events = new EventReader(response.body!);
        expect((await events.next())?.event).toBe('comment');
        await events.cancel();
      }
    });

    it('a request without a session gets 401 JSON, not a stream', async () => {
      const response = await openEvents({ accept: 'text/event-stream' });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: 'unauthenticated' });
    });

    it('an access token alone gets 403 "session_required": there is no session to watch', async () => {
      const device = await scenario().signedIn('dora');
      const jwt = await scenario().sessions.issueAccessToken(await scenario().liveSession(device.token));
      const response = await openEvents({ authorization: `Bearer ${jwt}` });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'session_required' });
    });

    it('a revoked session gets 401 "session_revoked", not a stream, and keeps its cookie so the page asking again hears why', async () => {
      const phone = await scenario().signedIn('carol', BROWSERS.safariIphone);
      await scenario().sessions.revoke(phone.sessionId!);
      const response = await openEvents(phone.headers());
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'session_revoked' });
      expect(sessionSetCookies(response.headers)).toEqual([]);
    });
  });
}
