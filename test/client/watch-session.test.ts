import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSession } from '../../src/client/index.js';
import { FakeSource, stubPage, unstubPage, type FakePage } from './fake-browser.js';

describe('watchSession() in a page', () => {
  const probes: Array<Record<string, unknown>> = [];
  let answer: { status: number; body?: unknown };
  let browser: FakePage;

  beforeEach(() => {
    probes.length = 0;
    // A proxy in front answers the route with a redirect to its own login page, which answers 200.
    browser = stubPage(async (_url, init) => {
      probes.push(init);
      if (answer.status === 302) return init['redirect'] === 'manual' ? { status: 0, json: async () => undefined } : { status: 200, json: async () => undefined };
      return { status: answer.status, json: async () => answer.body };
    });
  });
  afterEach(unstubPage);

  const streamFails = async () => {
    FakeSource.opened.at(-1)!.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
  };

  it('sends a signed-out page to the login page with where it was, but never a path that leaves the site', async () => {
    answer = { status: 401, body: { error: 'session_revoked' } };
    watchSession();
    await streamFails();
    expect(browser.assigned).toEqual(['/login?next=/account&reason=session_revoked']);

    browser.at('//evil.example/x', '?token=abc');
    watchSession();
    await streamFails();
    expect(browser.assigned.at(-1)).toBe('/login?next=/&reason=session_revoked');
  });

  it('does not follow a redirect when it asks the route why the stream failed, so a login page elsewhere is never taken for a live session', async () => {
    answer = { status: 302 };
    watchSession();
    await streamFails();
    // Not a 200: no new stream, another probe later, and nobody sent anywhere.
    expect(probes).toHaveLength(1);
    expect(FakeSource.opened).toHaveLength(1);
    expect(browser.assigned).toEqual([]);
  });

  it('an end met while the page was leaving is acted on later, unless the app stopped watching first', async () => {
    // The route confirms the end: the session was revoked.
    answer = { status: 401, body: { error: 'session_revoked' } };
    const stop = watchSession();
    browser.listeners.get('beforeunload')!();
    FakeSource.opened[0]!.listeners.get('revoked')!({ data: '{"reason":"revoked"}' });
    // Leaving: the end waits, so the page's own answer (its sign-out form) can speak.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(browser.assigned).toEqual([]);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.assigned).toEqual([]);
  });

  it('backs off when every stream opens and ends at once, and reconnects at once after one that stayed open', async () => {
    answer = { status: 200 };
    const stop = watchSession();
    // Ten minutes of a proxy that does not stream: each stream opens and ends straight away.
    for (let minute = 0; minute < 10; minute++) {
      for (let tick = 0; tick < 600; tick++) {
        const last = FakeSource.opened.at(-1)!;
        if (last.onerror !== null) {
          last.onopen!();
          const fail = last.onerror;
          last.onerror = null;
          fail();
        }
        await vi.advanceTimersByTimeAsync(100);
      }
    }
    // 1 s doubling to 30 s: about 25 tries, not one a second.
    expect(FakeSource.opened.length).toBeLessThan(40);
    // The last try is made, and its stream opens with its first heartbeat (one that does not open within 15 s is given up); it stays open a minute, then fails.
    FakeSource.onNew = (source) => {
      source.onopen?.();
      source.heartbeat(60_000);
    };
    await vi.advanceTimersByTimeAsync(30_000);
    const settled = FakeSource.opened.at(-1)!;
    await vi.advanceTimersByTimeAsync(60_000);
    const before = FakeSource.opened.length;
    settled.onerror!();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSource.opened.length).toBe(before + 1);
    stop();
  });
});
