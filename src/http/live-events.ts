import { SessionError } from '../errors.js';
import { getOrAdd } from '../get-or-add.js';
import { MAX_TIMER_DELAY } from '../option-checks.js';
import type { SessionManager } from '../manager/api.js';
import type { Session } from '../session.js';
import type { RevocationNotice } from '../store.js';
import type { ResolvedLiveEventsOptions } from './options.js';
import { report } from './report.js';
import type { RequestState } from './request-state.js';
import { requestPath } from './request.js';
import { jsonResponse, NO_STORE, NOT_STORED, type HttpResponse, type StreamSink } from './response.js';

// Live sign-out, a Server-Sent Events stream per page, ended by the store's answer or its own expiry timer; past `maxPerUser`, 429 (not the oldest closed: pages would take turns).

/** The `reason` of `event: revoked`: `revoked` (a revocation, or gone from the store), `reused` (a retired token came back), `expired`, or `idle`. */
export type LiveEndReason = 'revoked' | 'reused' | 'expired' | 'idle';

/** The browser's reconnection delay, and a comment that flushes the headers. */
const OPENING = 'retry: 3000\n: live\n\n';

// An event, not a comment: a page sees it, so one that stops hearing them gives its stream up. Sent at once too, so it knows from the start.
const heartbeatOf = (every: number): string => `event: heartbeat\ndata: ${every}\n\n`;

class LiveStream {
  #checking = false;
  #again = false;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(readonly hub: LiveEventsHub, readonly session: Session, readonly sink: StreamSink) {}

  send(chunk: string): void {
    if (this.#closed) return;
    try {
      this.sink.write(chunk);
    } catch {
      // The client left: the disconnect cleans up too; this is sooner.
      this.close();
    }
  }

  /** Reads the session again; a notice arriving meanwhile makes it read once more after. */
  check(): void {
    if (this.#closed) return;
    if (this.#checking) {
      this.#again = true;
      return;
    }
    this.#checking = true;
    this.hub.manager.liveness(this.session.id).then(
      (answer) => {
        this.#checking = false;
        if (this.#closed) return;
        if (!answer.live) {
          this.send(`event: revoked\ndata: ${JSON.stringify({ reason: answer.reason satisfies LiveEndReason })}\n\n`);
          this.close();
          return;
        }
        this.#scheduleExpiry(answer.remaining);
        if (this.#again) {
          this.#again = false;
          this.check();
        }
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Ends the stream on an error; the manager closing (the app shutting down) ends every stream: nothing to report. */
  fail(error: unknown): void {
    if (!(error instanceof SessionError && error.code === 'CLOSED')) report(this.hub.onError, error);
    this.close();
  }

  #scheduleExpiry(remaining: number | undefined): void {
    if (this.#expiry !== undefined) clearTimeout(this.#expiry);
    this.#expiry = undefined;
    if (remaining === undefined) return;
    // A millisecond past the boundary: the session is then refused, not live for one more turn.
    this.#expiry = setTimeout(() => this.check(), Math.min(Math.max(remaining + 1, 1), MAX_TIMER_DELAY));
  }

  /** Ends the stream from the server's side (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduleExpiry(undefined);
    this.hub.remove(this);
    try {
      this.sink.end();
    } catch {
      // Already gone.
    }
  }
}

const streamPaths = new WeakMap<SessionManager, Set<string>>();

/** Whether a request to `url` is for the live sign-out streams of `manager`'s sessions: only a request there watches its session without using it. */
export function isStreamRequest(manager: SessionManager, url: string): boolean {
  const paths = streamPaths.get(manager);
  return paths !== undefined && paths.has(requestPath(url));
}

/** The streams of one `createSessionRoutes`, their shared timers and subscription. */
export class LiveEventsHub {
  readonly manager: SessionManager;
  readonly #options: ResolvedLiveEventsOptions;
  readonly #byUser = new Map<string, Set<LiveStream>>();
  readonly #byTenant = new Map<string, Set<LiveStream>>();
  // A support stream ends with its admin's session: notices about the admin or any tenant concern it.
  readonly #byImpersonator = new Map<string, Set<LiveStream>>();
  readonly #all = new Set<LiveStream>();
  /** Streams answered but not opened yet count against the limit too. */
  readonly #reserved = new Map<string, number>();
  #unwatch: (() => void) | undefined;
  readonly #heartbeat: string;
  #heartbeats: ReturnType<typeof setInterval> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  onError: ((error: unknown) => void) | undefined;

  constructor(manager: SessionManager, options: ResolvedLiveEventsOptions, path: string) {
    this.manager = manager;
    this.#options = options;
    this.#heartbeat = heartbeatOf(options.heartbeat);
    getOrAdd(streamPaths, manager, () => new Set<string>()).add(path);
  }

  /** The answer to `GET <prefix>/events`. */
  respond(state: RequestState): HttpResponse {
    const { auth, options } = state;
    if (auth.status !== 'authenticated' || auth.session === null) {
      // An access token is no session a page holds: nothing to watch.
      return jsonResponse(403, { error: 'session_required' });
    }
    const session = auth.session;
    const userId = session.userId;
    const open = (this.#byUser.get(userId)?.size ?? 0) + (this.#reserved.get(userId) ?? 0);
    if (open >= this.#options.maxPerUser) {
      return jsonResponse(429, { error: 'too_many_streams' }, { headers: { 'retry-after': String(Math.ceil(this.#options.heartbeat / 1000)) } });
    }
    this.onError ??= options.onError;
    this.#reserved.set(userId, (this.#reserved.get(userId) ?? 0) + 1);
    let reserved = true;
    const release = (): void => {
      if (!reserved) return;
      reserved = false;
      const left = (this.#reserved.get(userId) ?? 1) - 1;
      if (left > 0) this.#reserved.set(userId, left);
      else this.#reserved.delete(userId);
    };
    return {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        ...NOT_STORED,
        // no-transform: a compressor (Express's compression(), a CDN) would hold the events back in its window, as nginx in its buffer.
        'cache-control': `${NO_STORE}, no-transform`,
        'x-accel-buffering': 'no',
      },
      setCookies: [],
      body: '',
      stream: {
        open: (sink) => {
          release();
          // A request still on its way when the server began closing would otherwise hold the close.
          if (this.#closed) {
            sink.end();
            return () => undefined;
          }
          const stream = new LiveStream(this, session, sink);
          this.#add(stream);
          stream.send(OPENING + this.#heartbeat);
          // Closes the gap between the middleware's validation and the subscription above.
          stream.check();
          return () => stream.close();
        },
      },
    };
  }

  #add(stream: LiveStream): void {
    this.#all.add(stream);
    this.#index(stream, true);
    if (this.#all.size > 1) return;
    try {
      this.#unwatch = this.manager.watchRevocations((notice) => this.#notice(notice));
    } catch (error) {
      // The manager closed during the validation: the response ends, the hub keeps no stream.
      return stream.fail(error);
    }
    this.#heartbeats = setInterval(() => {
      for (const open of this.#all) open.send(this.#heartbeat);
    }, this.#options.heartbeat);
    // A store that publishes can still lose a notice unheard (a LISTEN or pub/sub connection that died silently): read 12 times less often, never not at all.
    const every = this.#options.pollInterval * (this.manager.revocationsPublished ? 12 : 1);
    this.#poll = setInterval(() => {
      for (const open of this.#all) open.check();
    }, every);
  }

  /** Ends every open stream, as the manager closing does, and every stream opened after. */
  closeAll(): void {
    this.#closed = true;
    for (const stream of [...this.#all]) stream.close();
  }

  /** Called by a stream as it closes. */
  remove(stream: LiveStream): void {
    if (!this.#all.delete(stream)) return;
    this.#index(stream, false);
    if (this.#all.size > 0) return;
    this.#unwatch?.();
    this.#unwatch = undefined;
    clearInterval(this.#heartbeats);
    clearInterval(this.#poll);
  }

  #index(stream: LiveStream, add: boolean): void {
    const { userId, tenantId, impersonatorId } = stream.session;
    for (const [map, key] of [[this.#byUser, userId], [this.#byTenant, tenantId], [this.#byImpersonator, impersonatorId]] as const) {
      if (key === undefined) continue;
      const set = map.get(key) ?? new Set<LiveStream>();
      if (add) map.set(key, set.add(stream));
      else if (set.delete(stream) && set.size === 0) map.delete(key);
    }
  }

  #notice(notice: RevocationNotice | null): void {
    // Copies: a check that answers at once may close a stream, changing the sets.
    if (notice === null) {
      for (const stream of [...this.#all]) stream.check();
      return;
    }
    // A tenant's notice has an empty user id: every stream of the tenant, and every support stream.
    const ofUser = notice.userId === '' ? [] : [...(this.#byUser.get(notice.userId) ?? []), ...(this.#byImpersonator.get(notice.userId) ?? [])];
    const ofTenant = notice.tenantId === undefined ? [] : [...(this.#byTenant.get(notice.tenantId) ?? []), ...[...this.#byImpersonator.values()].flatMap((set) => [...set])];
    for (const stream of new Set([...ofUser, ...ofTenant])) stream.check();
  }
}
