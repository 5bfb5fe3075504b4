import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

// Several pages of one browser, played in one process: the globals are the browser's, shared by its pages.

/** Web Locks as a browser grants them: one holder per name, the others in line, a request taken back by its signal. `page.frozen`: a page in the back-forward cache, granted the lock but running its callback only when `thaw()`ed. */
function fakeLocks() {
  const line: { granted: () => Promise<void> | undefined; page: FrozenPage; done: (value: unknown) => void }[] = [];
  let held = false;
  const grantNext = (): void => {
    if (held) return;
    const next = line.shift();
    if (next === undefined) return;
    held = true;
    const run = (): void =>
      void Promise.resolve(next.granted()).then((value) => {
        held = false;
        next.done(value);
        grantNext();
      });
    if (next.page.frozen) next.page.thawed = run;
    else run();
  };
  const forPage = (page: FrozenPage) => ({
    request(_name: string, options: { signal: AbortSignal }, granted: () => Promise<void> | undefined): Promise<unknown> {
      return new Promise((done, failed) => {
        const entry = { granted, page, done };
        const aborted = () => failed(new DOMException('The request was aborted.', 'AbortError'));
        if (options.signal.aborted) return aborted();
        options.signal.addEventListener('abort', () => {
          const at = line.indexOf(entry);
          if (at >= 0) line.splice(at, 1), aborted();
        });
        line.push(entry);
        grantNext();
      });
    },
  });
  return { ...forPage({ frozen: false }), forPage };
}

/** A page the lock manager may find in the back-forward cache. */
interface FrozenPage {
  frozen: boolean;
  thawed?: () => void;
}

/** BroadcastChannel: a message reaches every other open channel of the name, never its sender. */
class FakeChannel {
  static open = new Set<FakeChannel>();
  onmessage: ((event: { data?: unknown }) => void) | null = null;
  constructor(readonly name: string) {
    FakeChannel.open.add(this);
  }
  postMessage(data: unknown): void {
    for (const other of FakeChannel.open) if (other !== this && other.name === this.name) queueMicrotask(() => other.onmessage?.({ data }));
  }
  close(): void {
    FakeChannel.open.delete(this);
  }
}

describe('watchSession() in several pages of one browser', () => {
  let answer: { status: number; body?: unknown };
  let browser: FakePage;

  beforeEach(() => {
    browser = stubPage(async () => ({ status: answer.status, json: async () => answer.body }));
    FakeChannel.open.clear();
    vi.stubGlobal('BroadcastChannel', FakeChannel);
    vi.stubGlobal('navigator', { locks: fakeLocks() });
  });
  afterEach(unstubPage);

  it('one page watches for all, and the end it confirms sends every page to the login page', async () => {
    answer = { status: 401, body: { error: 'session_revoked' } };
    for (let page = 0; page < 3; page++) watchSession();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.opened).toHaveLength(1);
    FakeSource.opened[0]!.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.assigned).toEqual(Array(3).fill('/login?next=/account&reason=session_revoked'));
  });

  it('when the page that watches goes, the next one watches; a page that stopped is never handed the stream', async () => {
    answer = { status: 200 };
    const stopFirst = watchSession();
    const stopSecond = watchSession();
    const third = watchSession();
    await vi.advanceTimersByTimeAsync(0);
    stopSecond();
    stopFirst();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.opened.map((source) => source.closed)).toEqual([true, false]);
    third();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.opened.map((source) => source.closed)).toEqual([true, true]);
  });

  it('a message that is not an end it knows is ignored', async () => {
    answer = { status: 200 };
    watchSession();
    const stranger = new FakeChannel('session-revocation /sessions/events');
    for (const data of ['__proto__', 'toString', { reason: 'revoked' }, 'signed-out']) stranger.postMessage(data);
    await vi.advanceTimersByTimeAsync(0);
    expect(browser.assigned).toEqual([]);
    stranger.postMessage('expired');
    await vi.advanceTimersByTimeAsync(0);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_expired']);
  });

  it("this browser's own sign-out in another tab, whose answer cleared the cookie, is not \"signed out from another device\" in the page that watches", async () => {
    watchSession();
    // The tab where the user clicks "Sign out": it does not watch, and is leaving.
    watchSession();
    await vi.advanceTimersByTimeAsync(0);
    browser.listeners.get('beforeunload')!();
    // Its sign-out ended the session, which the watching page's stream tells; the answer to the form cleared the cookie meanwhile.
    answer = { status: 401, body: { error: 'unauthenticated' } };
    FakeSource.opened[0]!.revoked('revoked');
    await vi.advanceTimersByTimeAsync(4_000);
    // Both as the middleware sends a browser without a session: no reason, so no notice of another device.
    expect(browser.assigned).toEqual(['/login?next=/account', '/login?next=/account']);
  });

  it("the tab that signs out and watches never tells the browser's other tabs \"signed out from another device\" while its own answer is on its way", async () => {
    const signingOut = watchSession();
    const leave = browser.listeners.get('beforeunload')!;
    watchSession();
    await vi.advanceTimersByTimeAsync(0);
    leave();
    // The stream tells the end, and the route still has the cookie (the answer to the form has not come back yet): the session was revoked.
    answer = { status: 401, body: { error: 'session_revoked' } };
    FakeSource.opened[0]!.revoked('revoked');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.assigned).toEqual([]);
    // The answer arrives: the cookie is cleared and the tab goes to the login page, which ends its script and frees the stream.
    answer = { status: 401, body: { error: 'unauthenticated' } };
    FakeSource.onNew = (source) => source.onerror?.();
    signingOut();
    await vi.advanceTimersByTimeAsync(2_000);
    // The other tab, watching now, finds no session: the login page without a notice of another device.
    expect(browser.assigned).toEqual(['/login?next=/account']);
  });

  it('a tab that signed out and went into the back-forward cache does not, shown again, send the tab watching a newer session to the login page', async () => {
    answer = { status: 200 };
    watchSession();
    const leave = browser.listeners.get('beforeunload')!;
    const [hide, show] = ['pagehide', 'pageshow'].map((type) => browser.listeners.get(type) as (event: { persisted: boolean }) => void);
    watchSession();
    await vi.advanceTimersByTimeAsync(0);
    // Its sign-out form: the stream tells the end, and the route still has the revoked cookie.
    leave();
    answer = { status: 401, body: { error: 'session_revoked' } };
    FakeSource.opened[0]!.revoked('revoked');
    await vi.advanceTimersByTimeAsync(1_000);
    // Its answer is the login page, where the user signs in again; the page before goes into the cache and gives the stream up.
    answer = { status: 200 };
    hide!({ persisted: true });
    await vi.advanceTimersByTimeAsync(100);
    // The other tab watches the new session.
    expect(FakeSource.opened.map((source) => source.closed)).toEqual([true, false]);
    // Back to the cached page: its own session ended, so it goes to the login page; the other tab's session did not.
    show!({ persisted: true });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
  });

  it('a page waiting in line for the stream that goes into the back-forward cache gives its place up: when the watching tab closes, an open tab watches', async () => {
    answer = { status: 200 };
    const locks = fakeLocks();
    vi.stubGlobal('navigator', { locks });
    const closeWatching = watchSession();
    const cached: FrozenPage = { frozen: false };
    vi.stubGlobal('navigator', { locks: locks.forPage(cached) });
    watchSession();
    const [hide, show] = ['pagehide', 'pageshow'].map((type) => browser.listeners.get(type) as (event: { persisted: boolean }) => void);
    vi.stubGlobal('navigator', { locks });
    watchSession();
    await vi.advanceTimersByTimeAsync(0);
    // The second tab goes to another page, which the browser caches: the page cannot run until shown again.
    hide!({ persisted: true });
    cached.frozen = true;
    closeWatching();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSource.opened.map((source) => source.closed)).toEqual([true, false]);
    // Shown again, it waits in line behind the tab that watches; both hear the end.
    cached.frozen = false;
    cached.thawed?.();
    show!({ persisted: true });
    answer = { status: 401, body: { error: 'session_revoked' } };
    FakeSource.opened[1]!.revoked('revoked');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.assigned).toEqual(Array(2).fill('/login?next=/account&reason=session_revoked'));
  });

  it('where a page cannot share (no Web Locks: plain http), each page watches on its own', async () => {
    vi.stubGlobal('navigator', {});
    answer = { status: 200 };
    watchSession();
    watchSession();
    expect(FakeSource.opened).toHaveLength(2);
  });
});
