import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

describe('watchSession(): the route asked after a stream said its session ended', () => {
  let answer: () => Promise<{ status: number; body?: unknown }>;
  let browser: FakePage;

  beforeEach(() => {
    browser = stubPage(async () => {
      const { status, body } = await answer();
      return { status, json: async () => body };
    });
  });
  afterEach(unstubPage);

  it('a page already leaving when the route confirms the end acts on it only after the grace', async () => {
    answer = async () => ({ status: 401, body: { error: 'session_revoked' } });
    const stop = watchSession();
    browser.listeners.get('beforeunload')!();
    FakeSource.opened[0]!.revoked('reused');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.assigned).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    // The stream's reason, not the route's.
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_reused']);
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
    expect(browser.assigned).toEqual([]);
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
