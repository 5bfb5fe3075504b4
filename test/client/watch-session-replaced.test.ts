import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';

// The browser globals watchSession() uses, played by the test (as in watch-session.test.ts), for the `revoked` event's probe.
class FakeSource {
  static opened: FakeSource[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (event: { data?: unknown }) => void>();
  constructor() {
    FakeSource.opened.push(this);
    // What each new stream does as it opens (set by a test).
    queueMicrotask(() => FakeSource.onNew?.(this));
  }
  static onNew: ((source: FakeSource) => void) | undefined;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.closed = true;
  }
  revoked(reason = 'revoked'): void {
    this.listeners.get('revoked')!({ data: JSON.stringify({ reason }) });
  }
}

describe('watchSession(): the route asked after a stream said its session ended', () => {
  const assigned: string[] = [];
  const pageListeners = new Map<string, () => void>();
  let answer: () => Promise<{ status: number; body?: unknown }>;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeSource.opened = [];
    FakeSource.onNew = undefined;
    assigned.length = 0;
    vi.stubGlobal('EventSource', FakeSource);
    vi.stubGlobal('fetch', async () => {
      const { status, body } = await answer();
      return { status, json: async () => body };
    });
    vi.stubGlobal('addEventListener', (type: string, listener: () => void) => void pageListeners.set(type, listener));
    vi.stubGlobal('removeEventListener', () => {});
    vi.stubGlobal('location', { pathname: '/account', search: '', assign: (url: string) => void assigned.push(url) });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a page already leaving when the route confirms the end acts on it only after the grace', async () => {
    answer = async () => ({ status: 401, body: { error: 'session_revoked' } });
    const stop = watchSession();
    pageListeners.get('beforeunload')!();
    FakeSource.opened[0]!.revoked('reused');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(assigned).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    // The stream's reason, not the route's.
    expect(assigned).toEqual(['/login?next=/account&reason=session_reused']);
    stop();
  });

  it('an outage or a 5xx after the end never sends the page to the login page', async () => {
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    const stop = watchSession();
    FakeSource.opened[0]!.revoked();
    await vi.advanceTimersByTimeAsync(10_000);
    answer = async () => ({ status: 503 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(assigned).toEqual([]);
    stop();
  });

  it('a route that keeps answering 200 while every stream ends at once is not asked twice a second', async () => {
    // Instances that disagree (a clock ahead on the stream's, a replica behind on the route's): each new stream ends as it opens.
    answer = async () => ({ status: 200 });
    FakeSource.onNew = (source) => {
      source.onopen?.();
      if (!source.closed) source.revoked('expired');
    };
    const stop = watchSession();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    // As a stream that fails at once: 1 s doubling to 30 s, about 25 tries in ten minutes.
    expect(FakeSource.opened.length).toBeLessThan(40);
    stop();
  });
});
