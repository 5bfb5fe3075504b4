import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

describe('watchSession(): a request nothing answers (a hung instance, a proxy holding the stream)', () => {
  // Each probe takes the next answer; `undefined`: the request hangs until its signal aborts it, as a browser's fetch does.
  let answers: ({ status: number; body?: unknown } | undefined)[];
  let probes: number;
  let browser: FakePage;

  beforeEach(() => {
    probes = 0;
    browser = stubPage((_url, init) => {
      probes += 1;
      const answer = answers.shift();
      if (answer !== undefined) return Promise.resolve({ status: answer.status, json: async () => answer.body });
      const signal = init['signal'] as AbortSignal;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError'))));
    });
  });
  afterEach(unstubPage);

  it('a probe that is never answered is given up and asked again: the page still hears its session ended', async () => {
    answers = [undefined, { status: 401, body: { error: 'session_revoked' } }];
    const stop = watchSession();
    FakeSource.opened[0]!.onopen!();
    FakeSource.opened[0]!.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probes).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes).toBe(2);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
    stop();
  });

  it('a stream that never opens, nor fails, is given up: the route is asked', async () => {
    answers = [{ status: 401, body: { error: 'session_revoked' } }];
    const stop = watchSession();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSource.opened[0]!.closed).toBe(true);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
    stop();
  });

  it('a stream that opened and then stops hearing heartbeats (a connection dropped without a word) is given up: the route is asked', async () => {
    answers = [{ status: 401, body: { error: 'session_revoked' } }];
    const stop = watchSession();
    const stream = FakeSource.opened[0]!;
    stream.onopen!();
    stream.heartbeat(25_000);
    // Heartbeats keep it open as long as they come, however long that is.
    for (let beat = 0; beat < 10; beat++) {
      await vi.advanceTimersByTimeAsync(25_000);
      stream.heartbeat(25_000);
    }
    expect([stream.closed, probes]).toEqual([false, 0]);
    // Then silence: two heartbeats missed, and the route's answer time, and the page asks.
    await vi.advanceTimersByTimeAsync(2 * 25_000 + 14_000);
    expect([stream.closed, probes]).toEqual([false, 0]);
    await vi.advanceTimersByTimeAsync(1_000 + 1_000);
    expect([stream.closed, probes]).toEqual([true, 1]);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
    stop();
  });

  it("a late heartbeat of a stream given up neither clears nor arms the deadline of the stream opened after it", async () => {
    answers = [{ status: 200 }, { status: 401, body: { error: 'session_revoked' } }];
    const stop = watchSession();
    const first = FakeSource.opened[0]!;
    first.onopen!();
    first.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
    const second = FakeSource.opened[1]!;
    expect([probes, second.closed]).toEqual([1, false]);
    // The closed stream's last words, after the route's 200 opened the next: that one, never opening, is still given up in 15 s.
    first.heartbeat(60_000);
    await vi.advanceTimersByTimeAsync(15_000 + 2_000);
    expect([second.closed, probes]).toEqual([true, 2]);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
    stop();
  });

  it('a stream that opens but never brings its first heartbeat (a proxy holding the body) is given up 15 s after opening: the route is asked', async () => {
    answers = [{ status: 401, body: { error: 'session_revoked' } }];
    const stop = watchSession();
    const stream = FakeSource.opened[0]!;
    await vi.advanceTimersByTimeAsync(10_000);
    stream.onopen!();
    // A heartbeat saying no interval counts for none.
    stream.listeners.get('heartbeat')!({ data: 'soon' });
    await vi.advanceTimersByTimeAsync(14_000);
    expect([stream.closed, probes]).toEqual([false, 0]);
    await vi.advanceTimersByTimeAsync(1_000 + 1_000);
    expect([stream.closed, probes]).toEqual([true, 1]);
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stopping leaves no timer behind, whether a stream is opening or a probe is waiting', async () => {
    answers = [undefined];
    const stopOpening = watchSession();
    stopOpening();
    expect(vi.getTimerCount()).toBe(0);
    const stopProbing = watchSession();
    FakeSource.opened.at(-1)!.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probes).toBe(1);
    stopProbing();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
