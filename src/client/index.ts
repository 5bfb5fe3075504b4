/**
 * The browser side of live sign-out: an open page hears the moment its session ends and goes to
 * the login page by itself. It listens to the session routes' `GET <prefix>/events`.
 *
 * @example
 * ```ts
 * import { watchSession } from 'session-revocation/client';
 *
 * // On every signed-in page: to /login?next=<this page>&reason=session_revoked when it ends.
 * watchSession({ url: '/sessions/events', loginUrl: '/login' });
 * ```
 *
 * @module session-revocation/client
 */

/** Why the page's session ended: `revoked`, `reused` (a copy of its cookie was used), `expired`, `idle`, or `unauthenticated` (the server knows no session for the page). */
export type SessionEndReason = 'revoked' | 'reused' | 'expired' | 'idle' | 'unauthenticated';

/** Options of {@link watchSession}. All optional. */
export interface WatchSessionOptions {
  /** The events route: the session routes' prefix followed by `/events`. @default "/sessions/events" */
  readonly url?: string;
  /** Where the default {@link WatchSessionOptions.onRevoked} sends the page, with `next=` and `reason=` as the middleware's login redirect. @default "/login" */
  readonly loginUrl?: string;
  /** Called once when the session ended; watching stops. Replaces going to {@link WatchSessionOptions.loginUrl}. */
  readonly onRevoked?: (reason: SessionEndReason) => void;
}

// The few browser globals used, typed here: the package compiles without the DOM library.
interface EventSourceLike {
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  addEventListener(type: string, listener: (event: { readonly data?: unknown }) => void): void;
  close(): void;
}
interface Browser {
  readonly EventSource: new (url: string, init: { withCredentials: boolean }) => EventSourceLike;
  readonly location: { readonly pathname: string; readonly search: string; assign(url: string): void };
  fetch(url: string, init: { credentials: 'include'; headers: Record<string, string>; signal: unknown; redirect: 'manual' }): Promise<{ readonly status: number; json(): Promise<unknown> }>;
  readonly AbortController: new () => { readonly signal: unknown; abort(): void };
  addEventListener(type: 'beforeunload' | 'pageshow' | 'pagehide', listener: (event: { readonly persisted?: boolean }) => void): void;
  removeEventListener(type: 'beforeunload' | 'pageshow' | 'pagehide', listener: (event: { readonly persisted?: boolean }) => void): void;
  readonly navigator?: { readonly locks?: { request(name: string, options: { signal: unknown }, granted: () => Promise<void> | undefined): Promise<unknown> } };
  readonly BroadcastChannel?: new (name: string) => { onmessage: ((event: { readonly data?: unknown }) => void) | null; postMessage(message: unknown): void; close(): void };
}

/**
 * Watches the page's session through an `EventSource` and calls `onRevoked` once when it ends. When the stream fails, does not open and bring
 * its first heartbeat within 15 s, or then misses two heartbeats and 15 s more, it backs off (1 s doubling to 30 s, with jitter), asks the route once with `fetch` (15 s at most) whether the session ended, and reconnects.
 * The pages of one browser share one stream where they can (Web Locks and `BroadcastChannel`): one page watches and tells the others.
 * @returns A function that stops watching.
 */
export function watchSession(options: WatchSessionOptions = {}): () => void {
  // Nothing from the module around it: the function's own source is a complete script (the demo serves it).
  const FIRST_BACKOFF = 1_000;
  const MAX_BACKOFF = 30_000;
  const LOGIN_REASONS: Readonly<Record<string, string>> = { revoked: 'session_revoked', reused: 'session_reused', expired: 'session_expired', idle: 'session_expired' };
  // How long a page already on its way elsewhere gets before the end is acted on anyway.
  const LEAVING_GRACE = 3_000;
  // How long after its stream's session ended the route is asked about the page's cookie: the browser may hold, or be about to get, a newer session (a password change that kept the device).
  const REPLACED_GRACE = 500;
  // How long the route's answer (the probe's, the stream's opening) may take: a request nothing answers (a hung instance, a proxy holding the stream) is given up and asked again.
  const ANSWER_DEADLINE = 15_000;
  const browser = globalThis as unknown as Browser;
  const url = options.url ?? '/sessions/events';
  const loginUrl = options.loginUrl ?? '/login';
  let source: EventSourceLike | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let probing: { abort(): void } | undefined;
  // The stream's deadline: to open, then to hear its next heartbeat.
  let silence: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let rejoins = 0;
  let stopped = false;
  // One stream per browser where pages can share it: each would hold one of the few connections (six over HTTP/1.1) a browser opens to a host,
  // and a seventh page would wait for one. The page holding the lock watches and tells the others what it confirmed; elsewhere (plain http), each watches.
  const locks = browser.navigator?.locks;
  const channel = locks === undefined || browser.BroadcastChannel === undefined ? undefined : new browser.BroadcastChannel(`session-revocation ${url}`);
  let queued: { abort(): void } | undefined;
  let unlock: (() => void) | undefined;
  // Set from the moment this page starts navigating away (a form posted, a link followed).
  let leaving = false;
  const onLeave = (): void => void (leaving = true);
  // Set when a page whose end waits goes into the back-forward cache: it then tells the other pages nothing.
  let cachedWhileEnding = false;
  // Back from the back-forward cache, or a navigation that did not happen after all.
  const onShow = (event: { readonly persisted?: boolean }): void => {
    leaving = false;
    if (event.persisted === true && channel !== undefined && !stopped) inLine();
  };
  // Into the back-forward cache: a page that cannot run must neither hold the stream nor be next in line for it.
  const onHide = (event: { readonly persisted?: boolean }): void => {
    if (event.persisted !== true || channel === undefined) return;
    if (!stopped) quiet();
    // Its session ended while it was leaving: the end still waits for it (stopped, so it never takes a place again), the stream does not.
    else {
      release();
      // The others watch for themselves from now on: shown again, perhaps long after, this page's end is stale news to them.
      cachedWhileEnding = true;
    }
  };

  const after = (run: () => void, ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };

  // Stops listening, and leaves the line for the stream or gives the stream up.
  const quiet = (): void => {
    source?.close();
    source = undefined;
    if (timer !== undefined) clearTimeout(timer);
    clearTimeout(silence);
    probing?.abort();
    queued?.abort();
    queued = undefined;
    release();
  };

  function release(): void {
    unlock?.();
    unlock = undefined;
  }

  const stop = (): void => {
    stopped = true;
    for (const [type, listener] of listeners) browser.removeEventListener(type, listener);
    quiet();
    channel?.close();
  };

  const toLogin = (reason: SessionEndReason): void => {
    const { pathname, search } = browser.location;
    // As the session middleware writes it: slashes of `next` kept, and never a path that leaves the site (`//host`, `/\host`).
    const next = /^\/(?![/\\])/.test(pathname) ? encodeURIComponent(pathname + search).replaceAll('%2F', '/') : '/';
    const why = reason === 'unauthenticated' ? '' : `&reason=${LOGIN_REASONS[reason]}`;
    browser.location.assign(`${loginUrl}${loginUrl.includes('?') ? '&' : '?'}next=${next}${why}`);
  };

  // `told`: heard from the page that watches, which told every page.
  const ended = (reason: SessionEndReason, told = false): void => {
    if (stopped) return;
    const act = (): void => {
      if (!told && !cachedWhileEnding) channel?.postMessage(reason);
      stop();
      (options.onRevoked ?? toLogin)(reason);
    };
    if (!leaving) return act();
    // Its own sign-out form's answer speaks; until it is gone it holds the stream and tells no page (they then watch with that answer's cookie).
    stopped = true;
    after(act, LEAVING_GRACE);
  };

  const later = (): void => {
    if (stopped) return;
    const delay = Math.min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** attempts);
    attempts += 1;
    after(() => void probe(), delay / 2 + Math.random() * (delay / 2));
  };

  // An EventSource does not tell why: one fetch does (`hint`, the stream's end, kept if confirmed; no session at all is `unauthenticated`).
  const probe = async (hint?: SessionEndReason): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    const controller = new browser.AbortController();
    probing = controller;
    const deadline = setTimeout(() => controller.abort(), ANSWER_DEADLINE);
    try {
      // A redirect (a proxy's login page) is no answer from the route: not followed, so never taken for a 200.
      const response = await browser.fetch(url, { credentials: 'include', headers: { accept: 'text/event-stream' }, signal: controller.signal, redirect: 'manual' });
      if (response.status === 401) {
        const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
        const confirmed = body?.error === 'session_revoked' ? 'revoked' : body?.error === 'session_reused' ? 'reused' : body?.error === 'session_expired' ? 'expired' : undefined;
        ended(confirmed === undefined ? 'unauthenticated' : (hint ?? confirmed));
        return;
      }
      controller.abort();
      if (response.status === 200) connect();
      else later();
    } catch {
      later();
    } finally {
      clearTimeout(deadline);
      probing = undefined;
    }
  };

  // Where pages share the stream, only the page holding the lock opens it (a probe answered late, after the page was cached, opens none); never two.
  const connect = (): void => {
    if (stopped || (channel !== undefined && unlock === undefined)) return;
    source?.close();
    const opened = new browser.EventSource(url, { withCredentials: true });
    source = opened;
    let openedAt: number | undefined;
    clearTimeout(silence);
    // A stream that never opens, or misses two heartbeats (a connection that died silently), fails as one that errs: the browser gives up on none.
    const failIn = (ms: number): void => {
      clearTimeout(silence);
      silence = setTimeout(() => opened.onerror?.(), ms);
    };
    failIn(ANSWER_DEADLINE);
    // The first heartbeat comes with the opening: a stream whose body a proxy holds back is given up as one that never opened.
    opened.onopen = () => {
      failIn(ANSWER_DEADLINE);
      openedAt = Date.now();
    };
    opened.addEventListener('heartbeat', (event) => {
      const every = Number(event.data);
      if (source === opened && every > 0) failIn(Math.min(2 * every + ANSWER_DEADLINE, 2_147_483_647));
    });
    opened.addEventListener('revoked', (event) => {
      if (source !== opened) return;
      let reason: unknown;
      try {
        reason = (JSON.parse(String(event.data)) as { reason?: unknown }).reason;
      } catch {}
      const hint = typeof reason === 'string' && Object.prototype.hasOwnProperty.call(LOGIN_REASONS, reason) ? (reason as SessionEndReason) : 'revoked';
      clearTimeout(silence);
      opened.close();
      source = undefined;
      // Asked later each time a stream the route's 200 reopened ends again at once (instances that disagree on the session), up to MAX_BACKOFF.
      if (stopped) return;
      if (openedAt !== undefined && Date.now() - openedAt >= MAX_BACKOFF) rejoins = 0;
      after(() => void probe(hint), Math.min(MAX_BACKOFF, REPLACED_GRACE * 2 ** rejoins++));
    });
    // Not the browser's own retry: it never backs off, nor tells a signed-out page from a restart.
    opened.onerror = () => {
      if (source !== opened) return;
      clearTimeout(silence);
      opened.close();
      source = undefined;
      // A stream that ends as soon as it opens (a proxy that does not stream, a failing store) still backs off.
      if (openedAt !== undefined && Date.now() - openedAt >= MAX_BACKOFF) attempts = 0;
      later();
    };
  };

  // In line for the stream: the page holding the lock watches until it stops, goes or is cached; then the next page in line watches.
  function inLine(): void {
    const request = new browser.AbortController();
    queued = request;
    const watch = (): Promise<void> | undefined => {
      if (stopped || queued !== request) return undefined;
      const held = new Promise<void>((release) => void (unlock = release));
      connect();
      return held;
    };
    // Refused, not withdrawn by this page (a sandboxed frame, an opaque origin): it watches on its own, as a page without Web Locks does.
    locks!.request(`session-revocation ${url}`, { signal: request.signal }, watch).catch(() => {
      if (stopped || queued !== request || unlock !== undefined) return;
      unlock = () => undefined;
      connect();
    });
  }

  const listeners = [['beforeunload', onLeave], ['pageshow', onShow], ['pagehide', onHide]] as const;
  for (const [type, listener] of listeners) browser.addEventListener(type, listener);
  if (channel === undefined) connect();
  else {
    channel.onmessage = (event) => {
      if (event.data === 'unauthenticated' || (typeof event.data === 'string' && Object.prototype.hasOwnProperty.call(LOGIN_REASONS, event.data))) ended(event.data as SessionEndReason, true);
    };
    inLine();
  }
  return stop;
}
