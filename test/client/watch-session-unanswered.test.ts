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
