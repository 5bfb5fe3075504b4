import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

class Channel {
  onmessage: unknown = null;
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
