import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

class Channel {
  static last: Channel | undefined;
  onmessage: ((event: { data?: unknown }) => void) | null = null;
  constructor() {
    Channel.last = this;
  }
  postMessage(): void {}
  close(): void {}
}

let browser: FakePage;
beforeEach(() => {
  browser = stubPage(async () => ({ status: 401, json: async () => ({ error: 'session_revoked' }) }));
  vi.stubGlobal('BroadcastChannel', Channel);
});
afterEach(unstubPage);

it('a page whose Web Locks refuse the request (a sandboxed frame, an opaque origin) watches its session on its own', async () => {
  // navigator.locks is there, but request() rejects, as browsers do where the lock manager is not available to the document.
  vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')) } });
  watchSession();
  await vi.advanceTimersByTimeAsync(0);
  expect(FakeSource.opened).toHaveLength(1);
  FakeSource.opened[0]?.onerror?.();
  await vi.advanceTimersByTimeAsync(1_000);
  expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
});

it("an end another tab told while the page was leaving, its own stream then ending too, waits the grace once, and never fires after the app's stop()", async () => {
  vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')) } });
  const endedWhileLeaving = async () => {
    const stop = watchSession();
    await vi.advanceTimersByTimeAsync(0);
    browser.listeners.get('beforeunload')!();
    Channel.last!.onmessage!({ data: 'revoked' });
    FakeSource.opened.at(-1)!.revoked('revoked');
    await vi.advanceTimersByTimeAsync(1_000);
    return stop;
  };
  await endedWhileLeaving();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
  const stop = await endedWhileLeaving();
  stop();
  await vi.advanceTimersByTimeAsync(5_000);
  expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);
});
